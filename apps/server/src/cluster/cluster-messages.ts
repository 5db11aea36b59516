import { z } from 'zod';

/**
 * The IPC messages between the primary and its workers (process.send / worker.on('message')),
 * checked on receipt like any other input; anything else on the channel (node:cluster's own
 * messages, another library's) is ignored.
 */
export const clusterMessageSchema = z.discriminatedUnion('ragops', [
  // worker → primary: startServer resolved, the worker takes connections.
  z.object({ ragops: z.literal('ready'), url: z.string() }),
  // worker → primary: GET /metrics reached this worker; answer with the whole server's text.
  z.object({ ragops: z.literal('scrape'), id: z.number().int() }),
  // primary → worker: the answer to `scrape`.
  z.object({
    ragops: z.literal('scraped'),
    id: z.number().int(),
    text: z.string().optional(),
    error: z.string().optional(),
  }),
  // primary → worker: send your registry (prom-client's getMetricsAsJSON()).
  z.object({ ragops: z.literal('collect'), id: z.number().int() }),
  // primary → worker: drain and exit (now: exit at once, the second signal).
  z.object({ ragops: z.literal('stop'), now: z.boolean() }),
  // worker → primary: the answer to `collect`.
  z.object({ ragops: z.literal('collected'), id: z.number().int(), metrics: z.array(z.unknown()) }),
]);

export type ClusterMessage = z.infer<typeof clusterMessageSchema>;

/** The message, or undefined when it is not one of ours. */
export function parseClusterMessage(message: unknown): ClusterMessage | undefined {
  if (typeof message !== 'object' || message === null || !('ragops' in message)) return undefined;
  const parsed = clusterMessageSchema.safeParse(message);
  return parsed.success ? parsed.data : undefined;
}
