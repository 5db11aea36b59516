// Counts the connections this process tries to open to hosts outside loopback, at the socket and at
// DNS (below fetch, so a guard that lets something slip past fetch is still seen).
import dns from 'node:dns';
import net from 'node:net';
import { isLoopbackHost } from '@ragops/evals';

/** Connection attempts this process makes, at the socket and at DNS, to hosts outside loopback. */
export function countOutsideAttempts() {
  const outside: string[] = [];
  const connect = net.Socket.prototype.connect;
  const lookup = dns.lookup;
  net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
    const o = (typeof args[0] === 'object' && args[0] !== null ? args[0] : { host: args[1] }) as {
      host?: string;
      path?: string;
    };
    if (!o.path && o.host && !isLoopbackHost(o.host)) outside.push(`connect ${o.host}`);
    return (connect as (...a: unknown[]) => net.Socket).apply(this, args);
  } as typeof connect;
  dns.lookup = ((host: string, ...rest: unknown[]) => {
    if (!isLoopbackHost(host)) outside.push(`lookup ${host}`);
    return (lookup as (...a: unknown[]) => void).call(dns, host, ...rest);
  }) as typeof dns.lookup;
  return {
    outside,
    restore() {
      net.Socket.prototype.connect = connect;
      dns.lookup = lookup;
    },
  };
}
