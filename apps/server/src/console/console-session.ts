import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/** What the session cookie carries once opened: the API token signed in with, a session id, its expiry. */
export type ConsoleSession = { token: string; sid: string; expiresAtMs: number };

const sessionSchema = z.strictObject({
  v: z.literal(1),
  token: z.string().min(1).max(200),
  sid: z.string().regex(/^[A-Za-z0-9_-]{22}$/),
  exp: z.number().int().positive(),
});

/** How long a console session lasts after sign-in, unless the token expires or is revoked first. */
export const SESSION_TTL_MS = 8 * 60 * 60 * 1000;
// AES-256-GCM: 12-byte IV, 16-byte tag. A tampered or foreign cookie fails authentication, never parses.
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Cookies longer than this are refused before any crypto (a token is ≤ 200 chars). */
const MAX_COOKIE_CHARS = 1024;

/**
 * Seals sessions into an encrypted, authenticated cookie value (the session lives in the cookie, not
 * in a table: replicas sharing RAGOPS_CONSOLE_SECRET share sessions). The API token inside is
 * re-authenticated on every request, so revoking it ends the session at once. CSRF tokens are an
 * HMAC of the session id: one per session, nothing stored.
 */
export type SessionSealer = {
  create(token: string, nowMs?: number): ConsoleSession;
  seal(session: ConsoleSession): string;
  /** The session in a cookie value; undefined when tampered, foreign, malformed or expired. */
  open(value: string, nowMs?: number): ConsoleSession | undefined;
  csrfToken(session: ConsoleSession): string;
  checkCsrf(session: ConsoleSession, given: string): boolean;
};

/** A sealer keyed by `secret` (any length ≥ 32; hashed into the keys). */
export function createSessionSealer(secret: string): SessionSealer {
  const encKey = createHash('sha256').update(`ragops-console-enc:${secret}`).digest();
  const macKey = createHash('sha256').update(`ragops-console-csrf:${secret}`).digest();
  const csrfToken = (s: ConsoleSession) => createHmac('sha256', macKey).update(s.sid).digest('base64url');
  return {
    create(token, nowMs = Date.now()) {
      return { token, sid: randomBytes(16).toString('base64url'), expiresAtMs: nowMs + SESSION_TTL_MS };
    },
    seal(s) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', encKey, iv);
      const plain = JSON.stringify({ v: 1, token: s.token, sid: s.sid, exp: s.expiresAtMs });
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
    },
    open(value, nowMs = Date.now()) {
      if (value.length > MAX_COOKIE_CHARS || !/^[A-Za-z0-9_-]+$/.test(value)) return undefined;
      const raw = Buffer.from(value, 'base64url');
      if (raw.length <= IV_BYTES + TAG_BYTES) return undefined;
      const decipher = createDecipheriv('aes-256-gcm', encKey, raw.subarray(0, IV_BYTES));
      decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      let plain: string;
      try {
        plain = Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
      } catch (err) {
        // GCM authentication failed: not a cookie this server sealed (or it was altered). Not an error
        // of ours to report; the caller signs in again.
        if (err instanceof Error) return undefined;
        throw err;
      }
      const parsed = sessionSchema.safeParse(JSON.parse(plain));
      if (!parsed.success || parsed.data.exp <= nowMs) return undefined;
      return { token: parsed.data.token, sid: parsed.data.sid, expiresAtMs: parsed.data.exp };
    },
    csrfToken,
    checkCsrf(s, given) {
      const want = Buffer.from(csrfToken(s));
      const got = Buffer.from(given);
      return got.length === want.length && timingSafeEqual(got, want);
    },
  };
}
