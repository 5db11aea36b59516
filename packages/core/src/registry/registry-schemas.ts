import { z } from 'zod';
import { identifierSchema } from '../names/three-level-name.ts';

/** Free-form key → value labels on models and versions. */
export const tagsSchema = z.record(z.string().min(1).max(128), z.string().max(1024));
export type Tags = z.infer<typeof tagsSchema>;

const descriptionSchema = z.string().max(10_000);

/** A catalog: the top level of `catalog.schema.name` (`dev`, `staging`, `prod`, …). */
export const catalogSchema = z.object({
  name: identifierSchema,
  description: z.string(),
  owner: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Catalog = z.infer<typeof catalogSchema>;

/** Body of "create catalog". */
export const newCatalogSchema = z.strictObject({ name: identifierSchema, description: descriptionSchema.optional() });
export type NewCatalog = z.infer<typeof newCatalogSchema>;

/** A schema groups the assets of one use case or team inside a catalog. */
export const schemaObjectSchema = z.object({
  catalog: identifierSchema,
  name: identifierSchema,
  /** `catalog.schema` */
  fullName: z.string(),
  description: z.string(),
  owner: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type SchemaObject = z.infer<typeof schemaObjectSchema>;

/** Body of "create schema" (the catalog comes from the path or the `catalog.schema` name). */
export const newSchemaObjectSchema = z.strictObject({
  name: identifierSchema,
  description: descriptionSchema.optional(),
});
export type NewSchemaObject = z.infer<typeof newSchemaObjectSchema>;

/** Where an alias points. */
export const aliasSchema = z.object({
  alias: z.string(),
  version: z.number().int().positive(),
  updatedBy: z.string(),
  updatedAt: z.string(),
});
export type Alias = z.infer<typeof aliasSchema>;

/** A registered model: one RAG chain, with numbered immutable versions. */
export const registeredModelSchema = z.object({
  /** `catalog.schema.name` */
  fullName: z.string(),
  catalog: z.string(),
  schema: z.string(),
  name: z.string(),
  description: z.string(),
  tags: tagsSchema,
  owner: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** Highest number ever allocated (versions may since have been deleted); 0 before the first. */
  lastVersion: z.number().int().nonnegative(),
  aliases: z.array(aliasSchema),
});
export type RegisteredModel = z.infer<typeof registeredModelSchema>;

/** Body of "create model". */
export const newRegisteredModelSchema = z.strictObject({
  description: descriptionSchema.optional(),
  tags: tagsSchema.optional(),
});
export type NewRegisteredModel = z.infer<typeof newRegisteredModelSchema>;

/** Body of "update model": only description and tags change. */
export const registeredModelUpdateSchema = z.strictObject({
  description: descriptionSchema.optional(),
  tags: tagsSchema.optional(),
});
export type RegisteredModelUpdate = z.infer<typeof registeredModelUpdateSchema>;

/** Body of "update version": the package is immutable, so only description and tags may change. */
export const modelVersionUpdateSchema = z.strictObject({
  description: descriptionSchema.optional(),
  tags: tagsSchema.optional(),
});
export type ModelVersionUpdate = z.infer<typeof modelVersionUpdateSchema>;

/** Body of "set alias". */
export const setAliasBodySchema = z.strictObject({
  version: z.number().int().positive(),
  reason: z.string().max(2000).optional(),
});
export type SetAliasBody = z.infer<typeof setAliasBodySchema>;

/** A page of results; `nextPageToken` is opaque and absent on the last page. */
export type Page<T> = { items: T[]; nextPageToken?: string };
/** Paging of list calls: `pageToken` comes from a previous page, never built by hand. */
export type PageRequest = { pageSize?: number; pageToken?: string };
/** zod for the paging query parameters of list calls. */
export const pageRequestSchema = z.strictObject({
  pageSize: z.coerce.number().int().min(1).max(1000).optional(),
  pageToken: z.string().max(2000).optional(),
});
