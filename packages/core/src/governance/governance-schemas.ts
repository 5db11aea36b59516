import { z } from 'zod';
import { filterTextSchema } from '../names/filter-text.ts';

/** Privileges on catalogs, schemas and models, inherited downward (catalog → schema → model). */
export const PRIVILEGES = ['USE_CATALOG', 'USE_SCHEMA', 'CREATE_MODEL', 'READ', 'EXECUTE', 'MANAGE'] as const;
export const privilegeSchema = z.enum(PRIVILEGES);
export type Privilege = z.infer<typeof privilegeSchema>;

export const SECURABLE_TYPES = ['catalog', 'schema', 'model'] as const;
export const securableTypeSchema = z.enum(SECURABLE_TYPES);
export type SecurableType = z.infer<typeof securableTypeSchema>;

/** What a grant is on: `dev` (catalog), `dev.support` (schema), `dev.support.docs_qa` (model). */
export type Securable = { type: SecurableType; name: string };
export const securableSchema = z.strictObject({ type: securableTypeSchema, name: z.string().min(1).max(200) });

/** The levels where each privilege may be granted (it then applies to everything below). */
export const PRIVILEGE_LEVELS: Record<Privilege, readonly SecurableType[]> = {
  USE_CATALOG: ['catalog'],
  USE_SCHEMA: ['catalog', 'schema'],
  CREATE_MODEL: ['catalog', 'schema'],
  READ: ['catalog', 'schema', 'model'],
  EXECUTE: ['catalog', 'schema', 'model'],
  MANAGE: ['catalog', 'schema', 'model'],
};

export const PRINCIPAL_KINDS = ['user', 'service'] as const;

/** A user or a service principal; the acting identity of every call. */
export const principalSchema = z.object({
  name: z.string(),
  kind: z.enum(PRINCIPAL_KINDS),
  displayName: z.string(),
  isAdmin: z.boolean(),
  createdAt: z.string(),
  createdBy: z.string(),
});
export type Principal = z.infer<typeof principalSchema>;

/** Principal names: lower-case identifiers, optionally with `-`, `.` or `@` (e-mail-like users). */
export const principalNameSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_.@-]{0,127}$/, 'must start with a lower-case letter; then a-z, 0-9, _ . @ or - (max 128)');

/** Body of "create principal". */
export const newPrincipalSchema = z.strictObject({
  name: principalNameSchema,
  kind: z.enum(PRINCIPAL_KINDS).default('user'),
  displayName: z.string().max(200).optional(),
  isAdmin: z.boolean().default(false),
});
export type NewPrincipal = z.input<typeof newPrincipalSchema>;

/** A token's metadata; the secret itself is returned once by createToken and stored only hashed. */
export const tokenInfoSchema = z.object({
  id: z.string(),
  principal: z.string(),
  description: z.string(),
  /** First characters of the secret, to recognise it in lists. */
  prefix: z.string(),
  createdAt: z.string(),
  createdBy: z.string(),
  expiresAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
});
export type TokenInfo = z.infer<typeof tokenInfoSchema>;

/** Body of "create token". `expiresInSeconds` or `expiresAt` (ISO time); neither = no expiry. */
export const newTokenSchema = z.strictObject({
  principal: principalNameSchema.optional(),
  description: z.string().max(500).optional(),
  expiresInSeconds: z
    .number()
    .int()
    .positive()
    .max(10 * 365 * 86_400)
    .optional(),
  expiresAt: z.iso.datetime({ offset: true }).optional(),
});
export type NewToken = z.infer<typeof newTokenSchema>;

/** One privilege granted to one principal on one securable. */
export const grantSchema = z.object({
  principal: z.string(),
  privilege: privilegeSchema,
  securable: z.object({ type: securableTypeSchema, name: z.string() }),
  grantedBy: z.string(),
  createdAt: z.string(),
});
export type Grant = z.infer<typeof grantSchema>;

/** Body of "add grant" / "revoke grant". */
export const grantChangeSchema = z.strictObject({
  principal: principalNameSchema,
  privilege: privilegeSchema,
  securable: securableSchema,
});
export type GrantChange = z.infer<typeof grantChangeSchema>;

/** One audited mutation: who did what to which object, when, with before/after summaries. */
export const auditEntrySchema = z.object({
  id: z.string(),
  at: z.string(),
  principal: z.string(),
  action: z.string(),
  objectType: z.string(),
  objectName: z.string(),
  requestId: z.string(),
  before: z.unknown().nullable(),
  after: z.unknown().nullable(),
  details: z.record(z.string(), z.unknown()).nullable(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

/** Filters of "list audit". */
export const auditQuerySchema = z.strictObject({
  since: z.iso.datetime({ offset: true }).optional(),
  until: z.iso.datetime({ offset: true }).optional(),
  principal: filterTextSchema(128).optional(),
  action: filterTextSchema(100).optional(),
  objectName: filterTextSchema().optional(),
  pageSize: z.coerce.number().int().min(1).max(1000).optional(),
  pageToken: z.string().max(2000).optional(),
});
export type AuditQuery = z.infer<typeof auditQuerySchema>;
