/** Error base class and codes; every deliberate ragops failure is a RagopsError. */

/** zod issues as one "where.path: message" line each. */
export { formatZodError } from './errors/format-zod-error.ts';
/** Parse a boundary input with zod or throw InvalidInputError naming where. */
export { parseInput } from './errors/parse-input.ts';
/** A failed call to an outside provider, with retryability. */
export { ProviderCallError } from './errors/provider-call-error.ts';
export type { ErrorCode, RagopsErrorOptions } from './errors/ragops-error.ts';
export {
  ConfigError,
  ConflictError,
  ERROR_CODES,
  InvalidInputError,
  NotFoundError,
  PermissionDeniedError,
  RagopsError,
  RateLimitedError,
  UnauthenticatedError,
} from './errors/ragops-error.ts';
/** Access checks: 404 for what the actor may not see, 403 for what it may see but not do. */
export type { AccessTarget, MissingPrivilege } from './governance/access-rules.ts';
/** The audit log: written in each mutation's transaction, read by admins. */
export type { AuditRecord } from './governance/audit.ts';
export { listAudit, writeAudit } from './governance/audit.ts';
export {
  type AccessCheck,
  accessDenial,
  authorize,
  checkAccess,
  hasPrivilege,
  requireAdmin,
} from './governance/authorize.ts';
/** Governance schemas: privileges, securables, principals, tokens, grants, audit entries. */
export type {
  AuditEntry,
  AuditQuery,
  Grant,
  GrantChange,
  NewPrincipal,
  NewToken,
  Principal,
  Privilege,
  Securable,
  SecurableType,
  TokenInfo,
} from './governance/governance-schemas.ts';
export {
  auditEntrySchema,
  auditQuerySchema,
  grantChangeSchema,
  grantSchema,
  newPrincipalSchema,
  newTokenSchema,
  PRINCIPAL_KINDS,
  PRIVILEGE_LEVELS,
  PRIVILEGES,
  principalNameSchema,
  principalSchema,
  privilegeSchema,
  SECURABLE_TYPES,
  securableSchema,
  securableTypeSchema,
  tokenInfoSchema,
} from './governance/governance-schemas.ts';
/** Grants on catalog / schema / model, inherited downward. */
export { addGrant, listGrants, revokeGrant, securableTarget } from './governance/grant-service.ts';
/** Indexes are governed assets of their schema: READ there (with usage) to read or pin one. */
export { authorizeIndexRead, indexAccessTarget, indexReadDenial } from './governance/index-access.ts';
/** Principals; `LOCAL_ADMIN_PRINCIPAL` is the admin the local CLI acts as. */
export {
  createPrincipal,
  getPrincipal,
  LOCAL_ADMIN_PRINCIPAL,
  listPrincipals,
  readPrincipal,
} from './governance/principal-service.ts';
/** API tokens (hashed, shown once, revocable, optional expiry) and bearer authentication. */
export { authenticate, createToken, listTokens, revokeToken } from './governance/token-service.ts';
/** Bounded JSON nesting: check request JSON where it enters, before anything recursive sees it. */
export {
  assertJsonDepth,
  boundedJsonSchema,
  formatJsonPath,
  jsonDepthProblem,
  jsonTextDepthExceeds,
  MAX_JSON_DEPTH,
} from './json/json-depth.ts';
export type { Logger } from './logger/logger.ts';
/** The library logging interface; silent by default. */
export { silentLogger } from './logger/logger.ts';
/** Filter text (names a caller filters by): any text but U+0000. */
export { filterTextSchema } from './names/filter-text.ts';
export type { ThreeLevelName } from './names/three-level-name.ts';
/** Three-level names `catalog.schema.name`. */
export {
  formatThreeLevelName,
  identifierSchema,
  parseThreeLevelName,
  threeLevelNameSchema,
} from './names/three-level-name.ts';
/** A seeded uniform [0, 1) generator (mulberry32): bootstrap resampling, drift permutations, test data. */
export { seededRandom } from './random/seeded-random.ts';
/** Gated aliases: synced from ragops.yaml `gates:`; a gated alias moves only through a gate decision. */
export type { AliasGate, ModelGates } from './registry/alias-gate-service.ts';
export { aliasGateName, findAliasGate, syncAliasGates } from './registry/alias-gate-service.ts';
/** Alias moves, audited with who, from, to and why. */
export type { AliasMove, AliasPromotion } from './registry/alias-service.ts';
export { deleteAlias, setAlias } from './registry/alias-service.ts';
/** Catalog and schema services; `initWorkspace` creates dev/staging/prod, `ensureSchema` one schema unless it exists (safe at once). */
export {
  createCatalog,
  createSchema,
  DEFAULT_CATALOGS,
  ensureSchema,
  getCatalog,
  getSchema,
  initWorkspace,
  listCatalogs,
  listSchemas,
} from './registry/catalog-service.ts';
/** Copy a version across catalogs, keeping lineage. */
export { copyModelVersion } from './registry/copy-service.ts';
/** Lineage both directions, and the link hook for endpoints and eval runs. */
export type { IndexBuildLineage, Lineage, LineageLink } from './registry/lineage-service.ts';
export {
  getLineage,
  type LineageLinkTarget,
  recordLineageLink,
  removeLineageLink,
  replaceLineageLinks,
} from './registry/lineage-service.ts';
/** Registered model services. */
export { createModel, getModel, listModels, parseModelName, updateModel } from './registry/model-service.ts';
/** Model URIs `models:/c.s.m/3` and `models:/c.s.m@alias`. */
export type { ModelUri, VersionRef } from './registry/model-uri.ts';
export { formatModelUri, modelUriSchema, parseModelUri } from './registry/model-uri.ts';
/** The immutable model version package (chain spec + pinned index + signature + run info). */
export type {
  ChunkerConfig,
  EmbedderConfig,
  LlmConfig,
  ModelVersion,
  ModelVersionPackage,
  ModelVersionPackageInput,
  PackagedPrompt,
  PinnedIndex,
  RetrieverConfig,
} from './registry/model-version-package.ts';
export {
  chunkerConfigSchema,
  embedderConfigSchema,
  llmConfigSchema,
  modelVersionPackageSchema,
  modelVersionSchema,
  packagedPromptSchema,
  pinnedIndexSchema,
  RAG_CHAIN_SIGNATURE,
  retrieverConfigSchema,
} from './registry/model-version-package.ts';
/** Pure registry rules: alias names, immutability, canonical JSON content hashes. */
export {
  aliasNameProblem,
  assertVersionPatchAllowed,
  canonicalJson,
  contentHash,
  RESERVED_ALIASES,
  sha256Hex,
} from './registry/registry-rules.ts';
/** Registry domain schemas: catalogs, schemas, models, aliases, paging, update bodies. */
export type {
  Alias,
  Catalog,
  ModelVersionUpdate,
  NewCatalog,
  NewRegisteredModel,
  NewSchemaObject,
  Page,
  PageRequest,
  RegisteredModel,
  RegisteredModelUpdate,
  SchemaObject,
  SetAliasBody,
  Tags,
} from './registry/registry-schemas.ts';
export {
  aliasSchema,
  catalogSchema,
  modelVersionUpdateSchema,
  newCatalogSchema,
  newRegisteredModelSchema,
  newSchemaObjectSchema,
  pageRequestSchema,
  registeredModelSchema,
  registeredModelUpdateSchema,
  schemaObjectSchema,
  setAliasBodySchema,
  tagsSchema,
} from './registry/registry-schemas.ts';
/** A chain's reranking stage: `none` | `lexical` | `llm:<provider>/<model>`. */
export { parseReranker, type RerankerSpec, rerankerSchema } from './registry/reranker-spec.ts';
/** What every service function takes: `{ store, actor, requestId }`. */
export type { ServiceContext } from './registry/service-context.ts';
/** Model version services (immutable packages, burned numbers, URI resolution). */
export {
  createModelVersion,
  deleteModelVersion,
  getModelVersion,
  isIndexVersionPinned,
  listModelVersions,
  parseVersionNumber,
  resolveModelUri,
  updateModelVersion,
} from './registry/version-service.ts';
/** Serving endpoints: name → served entities (traffic split, shadow, timeouts, rate limits, stickiness). */
export {
  type Endpoint,
  type EndpointConfig,
  type EndpointConfigInput,
  endpointConfigSchema,
  endpointNameSchema,
  endpointsSpecSchema,
  type ServedEntity,
} from './serving/endpoint-schemas.ts';
/** Endpoint services: create/update/get/list/delete (audited, MANAGE on the served models) and ragops.yaml apply. */
export {
  applyEndpointSpecs,
  createEndpoint,
  deleteEndpoint,
  endpointAccessDenial,
  endpointModelUris,
  findEndpoint,
  getEndpoint,
  listEndpoints,
  mayUseEndpoint,
  updateEndpoint,
} from './serving/endpoint-service.ts';
/** The inference table: one typed row per served request. */
export {
  INFERENCE_SOURCES,
  type InferenceRow,
  type InferenceSource,
  inferenceRowSchema,
  type StoredInferenceRow,
} from './serving/inference-row.ts';
/** The monitoring refresher's reader: inference rows' typed columns in (ts, seq) pages. */
export {
  earliestInferenceTime,
  type InferenceMetricRow,
  type InferenceScan,
  inferenceScanSchema,
  inferenceTimesOf,
  scanInferenceRows,
} from './serving/inference-scan.ts';
/** Batched inserts into and filtered reads of the inference table. */
export {
  type InferenceQuery,
  inferenceQuerySchema,
  insertInferenceRows,
  queryInferenceRows,
} from './serving/inference-store.ts';
/** The native invocation body: the one schema behind both the route and RAG_CHAIN_SIGNATURE.inputs. */
export type { ChatMessageInput, InvocationRequest } from './serving/invocation-request.ts';
export { chatMessageInputSchema, invocationRequestSchema, RAG_CHAIN_INPUTS } from './serving/invocation-request.ts';
/** ragops.yaml `gates:`: per model and alias, datasets, metric floors, no-regression, human evidence. */
export type { GatePolicy, GatesSpec, MetricBound, SplitTestPolicy } from './spec/gate-policy.ts';
export { gatePolicySchema, gatesSpecSchema, metricBoundSchema, RUN_METRICS } from './spec/gate-policy.ts';
/** Load and validate ragops.yaml with `file:line: key.path: message` errors. */
export type { LoadedRagopsSpec } from './spec/load-ragops-spec.ts';
export { getChainSpec, loadRagopsSpec, parseRagopsSpec } from './spec/load-ragops-spec.ts';
/** ragops.yaml `monitoring:`: metric-table slices, custom metrics (allow-listed columns), refresh schedule. */
export type {
  ColumnCondition,
  CustomMetric,
  MonitorCategoricalColumn,
  MonitorColumn,
  MonitoringSpec,
  MonitorNumericColumn,
  RowFilter,
  SliceSpec,
} from './spec/monitoring-spec.ts';
export {
  BUILTIN_RATIO_TERMS,
  MONITOR_CATEGORICAL_COLUMNS,
  MONITOR_COLUMNS,
  MONITOR_NUMERIC_COLUMNS,
  monitoringSpecSchema,
} from './spec/monitoring-spec.ts';
/** A template's `system:` and `user:` parts (a template without role lines is all user part). */
export type { PromptSections } from './spec/prompt-sections.ts';
export { splitPromptSections } from './spec/prompt-sections.ts';
/** Prompt templates (`prompts/*.md`): front matter + mustache, variables checked both ways. */
export type { PromptTemplate } from './spec/prompt-template.ts';
export {
  loadPromptTemplate,
  parsePromptTemplate,
  promptFrontMatterSchema,
  renderPrompt,
  templateVariables,
} from './spec/prompt-template.ts';
/** LLM providers and prices (ragops.yaml `providers:` + environment), the block both apps read. */
export type {
  LlmProviderConfig,
  LlmProviders,
  PriceTable,
  ProviderSettings,
  ProvidersSpec,
  TokenPrice,
} from './spec/provider-settings.ts';
export {
  llmProviderConfigSchema,
  llmProvidersSchema,
  priceTableSchema,
  providersSpecSchema,
  resolveProviderSettings,
  tokenPriceSchema,
} from './spec/provider-settings.ts';
/** ragops.yaml: indexes and chains (other sections are parsed by the modules that own them). */
export type { ChainSpec, IndexSpec, RagopsSpec } from './spec/ragops-spec.ts';
export { chainSpecSchema, indexSpecSchema, ragopsSpecSchema } from './spec/ragops-spec.ts';
/** Line numbers of key paths in a YAML spec, for sections other modules parse (`loaded.locations.parse`). */
export type { SpecLocations, SpecPath } from './spec/spec-locations.ts';
export { formatSpecPath } from './spec/spec-locations.ts';
/** The metadata store interface (SQLite | PostgreSQL), its SQL executor and migration types. */
export type { AppliedMigration, MetadataStore, SqlExecutor, SqlRow, SqlValue } from './store/metadata-store.ts';
/** Migration discovery and application (every `store/migrations/*.ts` set). */
export { applyMigrations, discoverMigrationSets } from './store/migrate.ts';
export type { Migration, MigrationSet, MigrationSql } from './store/migration-set.ts';
/** Opens `sqlite:<path>` or `postgres://…` and applies migrations; `defaultMetadataUrl(home)`. */
export { defaultMetadataUrl, openMetadataStore } from './store/open-metadata-store.ts';
/** Opaque page tokens and the list helper. */
export { decodePageToken, encodePageToken, paginate } from './store/page-token.ts';
