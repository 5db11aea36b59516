// The bad-input table of test/server-bad-input.test.ts: one entry per route (METHOD /hono/:path),
// each case a request that must be refused with 4xx in the one error shape, saying what and where.
import { samplePackage } from './server-fixture.ts';
export type BadCase = {
  what: string;
  path: string;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
  /** Expected status (default 400). */
  status?: number;
  /** The message must match: it says what and where. */
  message?: RegExp;
};

const M = '/api/v1/models/dev.support.docs_qa';
/** Serving routes answer in the OpenAI error shape; their own suite covers them. */
export const SERVING_ROUTE = /^\w+ \/(v1|serving-endpoints)\//;
/** The console's pages answer in HTML; test/console-session.test.ts covers their bad input. */
export const CONSOLE_ROUTE = /^\w+ \/console(\/|$)/;
/** A truncated JSON body. */
export const MALFORMED = '{"name": "x",';
const pkg = samplePackage();
const ENDPOINT = { served: [{ model: 'models:/dev.support.docs_qa@champion', traffic: 100 }] };

const malformed = (path: string): BadCase => ({
  what: 'malformed JSON',
  path,
  rawBody: MALFORMED,
  message: /malformed JSON/,
});
const notJson = (path: string): BadCase => ({
  what: 'body not sent as JSON',
  path,
  rawBody: 'name=x',
  headers: { 'content-type': 'text/plain' },
  status: 415,
});

/** A monitoring route's endpoint name breaking core's rule: the 400 every endpoint route gives, not a 404. */
const badEndpointName = (rest: string): BadCase => ({
  what: 'bad endpoint name',
  path: `/api/v1/monitoring/endpoints/Docs!/${rest}`,
  message: /^path\.name: endpoint names: a lower-case letter/,
});

// Routes with no input at all still need an entry: an empty list, with the reason in the key's comment.
/** Bad input per route; routes with no input at all have an empty list. */
export const CASES: Record<string, BadCase[]> = {
  'GET /healthz': [], // no input
  'GET /readyz': [], // no input
  'GET /metrics': [], // no input
  'GET /openapi.json': [], // no input
  'GET /docs': [], // no input
  'GET /docs/assets/:file': [], // a file name: unknown ones are 404 (test/server-docs-page.test.ts)
  'GET /': [], // no input: a redirect to /console
  'GET /api/v1/me': [], // no input
  'POST /api/v1/catalogs/init': [], // no body, no params
  'GET /api/v1/catalogs': [
    { what: 'pageSize not a number', path: '/api/v1/catalogs?pageSize=ten', message: /query\.pageSize/ },
    { what: 'pageSize 0', path: '/api/v1/catalogs?pageSize=0', message: /query\.pageSize/ },
    { what: 'forged pageToken', path: '/api/v1/catalogs?pageToken=bm9wZQ', message: /pageToken/ },
    { what: 'unknown query parameter', path: '/api/v1/catalogs?colour=red', message: /query/ },
  ],
  'POST /api/v1/catalogs': [
    malformed('/api/v1/catalogs'),
    notJson('/api/v1/catalogs'),
    { what: 'name wrong type', path: '/api/v1/catalogs', body: { name: 5 }, message: /body\.name/ },
    { what: 'name missing', path: '/api/v1/catalogs', body: { description: 'x' }, message: /body\.name/ },
    { what: 'name not an identifier', path: '/api/v1/catalogs', body: { name: 'Dev-Cat' }, message: /body\.name/ },
    { what: 'unknown field', path: '/api/v1/catalogs', body: { name: 'qa', owner: 'me' }, message: /owner/ },
    { what: 'body is an array', path: '/api/v1/catalogs', body: [], message: /body/ },
    {
      what: 'body nested 100 deep',
      path: '/api/v1/catalogs',
      rawBody: `{"name":${'['.repeat(100)}${']'.repeat(100)}}`,
      message: /^body\.name\[0\]\[0\].*: nested deeper than 64 levels$/,
    },
  ],
  'GET /api/v1/catalogs/:catalog': [
    { what: 'bad catalog name', path: '/api/v1/catalogs/Dev!', message: /path\.catalog/ },
  ],
  'GET /api/v1/catalogs/:catalog/schemas': [
    { what: 'bad catalog name', path: '/api/v1/catalogs/9dev/schemas', message: /path\.catalog/ },
    { what: 'pageSize too big', path: '/api/v1/catalogs/dev/schemas?pageSize=5000', message: /query\.pageSize/ },
  ],
  'POST /api/v1/catalogs/:catalog/schemas': [
    malformed('/api/v1/catalogs/dev/schemas'),
    { what: 'name missing', path: '/api/v1/catalogs/dev/schemas', body: {}, message: /body\.name/ },
    { what: 'name wrong type', path: '/api/v1/catalogs/dev/schemas', body: { name: ['s'] }, message: /body\.name/ },
    {
      what: 'bad catalog in path',
      path: '/api/v1/catalogs/DEV/schemas',
      body: { name: 's' },
      message: /path\.catalog/,
    },
  ],
  'GET /api/v1/catalogs/:catalog/schemas/:schema': [
    { what: 'bad schema name', path: '/api/v1/catalogs/dev/schemas/Support', message: /path\.schema/ },
  ],
  'GET /api/v1/models': [
    { what: 'bad catalog filter', path: '/api/v1/models?catalog=D%20EV', message: /query\.catalog/ },
    { what: 'negative pageSize', path: '/api/v1/models?pageSize=-1', message: /query\.pageSize/ },
  ],
  'POST /api/v1/models': [
    malformed('/api/v1/models'),
    { what: 'name missing', path: '/api/v1/models', body: { description: 'x' }, message: /body\.name/ },
    { what: 'two-level name', path: '/api/v1/models', body: { name: 'dev.support' }, message: /body\.name/ },
    {
      what: 'tags wrong type',
      path: '/api/v1/models',
      body: { name: 'dev.support.m2', tags: ['a'] },
      message: /body\.tags/,
    },
  ],
  'GET /api/v1/models/:name': [
    { what: 'empty name part', path: '/api/v1/models/dev..docs_qa', message: /path\.name/ },
    { what: 'upper-case name', path: '/api/v1/models/Dev.Support.Docs', message: /path\.name/ },
  ],
  'PATCH /api/v1/models/:name': [
    malformed(M),
    { what: 'description wrong type', path: M, body: { description: 7 }, message: /body\.description/ },
    { what: 'unknown field', path: M, body: { owner: 'x' }, message: /owner/ },
    { what: 'bad name', path: '/api/v1/models/a.b', body: { description: 'x' }, message: /path\.name/ },
  ],
  'GET /api/v1/models/:name/versions': [
    { what: 'bad name', path: '/api/v1/models/x/versions', message: /path\.name/ },
    { what: 'pageSize not a number', path: `${M}/versions?pageSize=all`, message: /query\.pageSize/ },
  ],
  'POST /api/v1/models/:name/versions': [
    malformed(`${M}/versions`),
    notJson(`${M}/versions`),
    { what: 'package missing', path: `${M}/versions`, body: { description: 'x' }, message: /body\.package/ },
    {
      what: 'wrong formatVersion',
      path: `${M}/versions`,
      body: { package: { ...pkg, formatVersion: 2 } },
      message: /body\.package\.formatVersion/,
    },
    {
      what: 'retriever.k as a string',
      path: `${M}/versions`,
      body: { package: { ...pkg, chain: { ...pkg.chain, retriever: { k: '4' } } } },
      message: /body\.package\.chain\.retriever\.k/,
    },
    {
      what: 'bad model name',
      path: '/api/v1/models/dev.support/versions',
      body: { package: pkg },
      message: /path\.name/,
    },
  ],
  'POST /api/v1/models/:name/versions/copy': [
    malformed(`${M}/versions/copy`),
    {
      what: 'source missing',
      path: '/api/v1/models/staging.support.docs_qa/versions/copy',
      body: {},
      message: /body\.source/,
    },
    {
      what: 'source not a model URI',
      path: '/api/v1/models/staging.support.docs_qa/versions/copy',
      body: { source: 'dev.support.docs_qa' },
      message: /model URI/,
    },
    {
      what: 'bad target name',
      path: '/api/v1/models/staging/versions/copy',
      body: { source: 'models:/dev.support.docs_qa/1' },
      message: /path\.name/,
    },
  ],
  'GET /api/v1/models/:name/versions/:version': [
    { what: 'version not a number', path: `${M}/versions/abc`, message: /path\.version/ },
    { what: 'version 0', path: `${M}/versions/0`, message: /path\.version/ },
    { what: 'negative version', path: `${M}/versions/-1`, message: /path\.version/ },
  ],
  'PATCH /api/v1/models/:name/versions/:version': [
    malformed(`${M}/versions/1`),
    { what: 'tags wrong type', path: `${M}/versions/1`, body: { tags: 'prod' }, message: /body\.tags/ },
    { what: 'version not a number', path: `${M}/versions/one`, body: { description: 'x' }, message: /path\.version/ },
  ],
  'DELETE /api/v1/models/:name/versions/:version': [
    { what: 'version not a number', path: `${M}/versions/1.5`, message: /path\.version/ },
    { what: 'bad name', path: '/api/v1/models/DEV.S.M/versions/1', message: /path\.name/ },
  ],
  'GET /api/v1/models/:name/aliases/:alias': [
    { what: 'upper-case alias', path: `${M}/aliases/Champion`, message: /alias/ },
    { what: 'bad model name', path: '/api/v1/models/nope/aliases/champion', message: /path\.name/ },
  ],
  'PUT /api/v1/models/:name/aliases/:alias': [
    malformed(`${M}/aliases/champion`),
    { what: 'version missing', path: `${M}/aliases/champion`, body: { reason: 'x' }, message: /body\.version/ },
    { what: 'version as a string', path: `${M}/aliases/champion`, body: { version: 'one' }, message: /body\.version/ },
    { what: 'version 0', path: `${M}/aliases/champion`, body: { version: 0 }, message: /body\.version/ },
    { what: 'reserved alias', path: `${M}/aliases/latest`, body: { version: 1 }, message: /reserved/ },
    { what: 'alias with a space', path: `${M}/aliases/my%20alias`, body: { version: 1 }, message: /alias/ },
  ],
  'DELETE /api/v1/models/:name/aliases/:alias': [
    { what: 'bad alias', path: `${M}/aliases/-x`, message: /alias/ },
    { what: 'unknown query parameter', path: `${M}/aliases/champion?force=1`, message: /query/ },
  ],
  'GET /api/v1/lineage': [
    { what: 'uri missing', path: '/api/v1/lineage', message: /query\.uri/ },
    { what: 'not a model URI', path: '/api/v1/lineage?uri=dev.support.docs_qa', message: /model URI/ },
  ],
  'GET /api/v1/principals': [
    { what: 'pageSize not a number', path: '/api/v1/principals?pageSize=x', message: /query\.pageSize/ },
  ],
  'POST /api/v1/principals': [
    malformed('/api/v1/principals'),
    { what: 'name missing', path: '/api/v1/principals', body: { kind: 'user' }, message: /body\.name/ },
    { what: 'name with a space', path: '/api/v1/principals', body: { name: 'bob smith' }, message: /body\.name/ },
    { what: 'unknown kind', path: '/api/v1/principals', body: { name: 'bob', kind: 'robot' }, message: /body\.kind/ },
    {
      what: 'isAdmin as a string',
      path: '/api/v1/principals',
      body: { name: 'bob', isAdmin: 'yes' },
      message: /body\.isAdmin/,
    },
  ],
  'GET /api/v1/principals/:name': [
    { what: 'bad principal name', path: '/api/v1/principals/Bob!', message: /path\.name/ },
  ],
  'GET /api/v1/tokens': [
    { what: 'all not a boolean', path: '/api/v1/tokens?all=maybe', message: /query\.all/ },
    { what: 'bad principal', path: '/api/v1/tokens?principal=B%20B', message: /query\.principal/ },
  ],
  'POST /api/v1/tokens': [
    malformed('/api/v1/tokens'),
    {
      what: 'expiresInSeconds as text',
      path: '/api/v1/tokens',
      body: { expiresInSeconds: 'soon' },
      message: /body\.expiresInSeconds/,
    },
    {
      what: 'negative expiry',
      path: '/api/v1/tokens',
      body: { expiresInSeconds: -5 },
      message: /body\.expiresInSeconds/,
    },
    {
      what: 'expiresAt not a time',
      path: '/api/v1/tokens',
      body: { expiresAt: 'tomorrow' },
      message: /body\.expiresAt/,
    },
    {
      what: 'both expiries',
      path: '/api/v1/tokens',
      body: { expiresAt: '2099-01-01T00:00:00Z', expiresInSeconds: 60 },
      message: /not both/,
    },
    {
      what: 'expiry in the past',
      path: '/api/v1/tokens',
      body: { expiresAt: '2001-01-01T00:00:00Z' },
      message: /past/,
    },
  ],
  'DELETE /api/v1/tokens/:id': [
    { what: 'id too long', path: `/api/v1/tokens/${'x'.repeat(101)}`, message: /path\.id/ },
  ],
  'GET /api/v1/grants': [
    {
      what: 'unknown securable type',
      path: '/api/v1/grants?securableType=table&securableName=dev',
      message: /securableType/,
    },
    { what: 'type without name', path: '/api/v1/grants?securableType=catalog', message: /together/ },
  ],
  'POST /api/v1/grants': [
    malformed('/api/v1/grants'),
    {
      what: 'unknown privilege',
      path: '/api/v1/grants',
      body: { principal: 'admin', privilege: 'ALL', securable: { type: 'catalog', name: 'dev' } },
      message: /body\.privilege/,
    },
    {
      what: 'securable missing',
      path: '/api/v1/grants',
      body: { principal: 'admin', privilege: 'READ' },
      message: /body\.securable/,
    },
    {
      what: 'privilege at the wrong level',
      path: '/api/v1/grants',
      body: { principal: 'admin', privilege: 'USE_CATALOG', securable: { type: 'schema', name: 'dev.support' } },
      message: /USE_CATALOG/,
    },
    {
      what: 'name does not fit the type',
      path: '/api/v1/grants',
      body: { principal: 'admin', privilege: 'READ', securable: { type: 'model', name: 'dev.support' } },
      message: /not a model name/,
    },
  ],
  'POST /api/v1/grants/revoke': [
    malformed('/api/v1/grants/revoke'),
    {
      what: 'privilege wrong type',
      path: '/api/v1/grants/revoke',
      body: { principal: 'admin', privilege: 1, securable: { type: 'catalog', name: 'dev' } },
      message: /body\.privilege/,
    },
  ],
  'GET /api/v1/audit': [
    { what: 'since not a time', path: '/api/v1/audit?since=yesterday', message: /query\.since/ },
    { what: 'pageSize 0', path: '/api/v1/audit?pageSize=0', message: /query\.pageSize/ },
  ],
  // Endpoint management and the inference table (apps/server/src/serving), in the registry's error shape.
  'GET /api/v1/eval-runs': [
    { what: 'pageSize not a number', path: '/api/v1/eval-runs?pageSize=x', message: /pageSize/ },
    { what: 'model filter empty', path: '/api/v1/eval-runs?model=', message: /query\.model/ },
  ],
  'POST /api/v1/eval-runs': [
    malformed('/api/v1/eval-runs'),
    notJson('/api/v1/eval-runs'),
    { what: 'model missing', path: '/api/v1/eval-runs', body: { dataset: 'docs-qa' }, message: /body\.model/ },
    {
      what: 'repeats out of range',
      path: '/api/v1/eval-runs',
      body: { model: 'models:/dev.support.docs_qa/1', dataset: 'docs-qa', repeats: 1000 },
      message: /body\.repeats/,
    },
    {
      what: 'unknown field',
      path: '/api/v1/eval-runs',
      body: { model: 'models:/dev.support.docs_qa/1', dataset: 'docs-qa', colour: 'red' },
      message: /colour/,
    },
  ],
  'GET /api/v1/eval-runs/:id': [
    { what: 'id not an eval run id', path: '/api/v1/eval-runs/nope', message: /er_0123456789ab/ },
  ],
  'GET /api/v1/eval-runs/:id/rows': [
    { what: 'id not an eval run id', path: '/api/v1/eval-runs/nope/rows', message: /er_0123456789ab/ },
    { what: 'pageSize 0', path: '/api/v1/eval-runs/er_0123456789ab/rows?pageSize=0', message: /pageSize/ },
  ],
  // Feedback (apps/server/src/routes/feedback.ts); POST /v1/feedback is covered by test/feedback-api.test.ts.
  'POST /api/v1/feedback': [
    malformed('/api/v1/feedback'),
    notJson('/api/v1/feedback'),
    {
      what: 'target missing',
      path: '/api/v1/feedback',
      body: { rating: { scale: 'thumbs', value: 1 } },
      message: /body\.target/,
    },
    {
      what: 'label not a level',
      path: '/api/v1/feedback',
      body: { target: { kind: 'inference', requestId: 'r1' }, labels: { correctness: 0.3 } },
      message: /correctness/,
    },
  ],
  'GET /api/v1/feedback': [
    { what: 'unknown source', path: '/api/v1/feedback?source=robots', message: /query\.source/ },
  ],
  'GET /api/v1/feedback/stats': [
    { what: 'source missing', path: '/api/v1/feedback/stats?model=dev.support.docs_qa', message: /query\.source/ },
  ],
  'GET /api/v1/monitoring/endpoints/:name/metrics': [
    { what: 'unknown window', path: '/api/v1/monitoring/endpoints/qa/metrics?window=2h', message: /window/ },
    { what: 'limit above 5000', path: '/api/v1/monitoring/endpoints/qa/metrics?limit=5001', message: /limit/ },
    { what: 'slice not a name', path: '/api/v1/monitoring/endpoints/qa/metrics?slice=a%3Bb', message: /slice/ },
    { what: 'unknown parameter', path: '/api/v1/monitoring/endpoints/qa/metrics?colour=red', message: /colour/ },
    badEndpointName('metrics'),
  ],
  // apps/server/src/routes/monitoring-ops.ts
  'GET /api/v1/monitoring/endpoints/:name/drift': [
    { what: 'unknown metric', path: '/api/v1/monitoring/endpoints/qa/drift?metric=vibes', message: /metric/ },
    { what: 'pageSize 0', path: '/api/v1/monitoring/endpoints/qa/drift?pageSize=0', message: /pageSize/ },
    { what: 'pageSize above 1000', path: '/api/v1/monitoring/endpoints/qa/drift?pageSize=1001', message: /pageSize/ },
    { what: 'since not a time', path: '/api/v1/monitoring/endpoints/qa/drift?since=yesterday', message: /since/ },
    badEndpointName('drift'),
  ],
  'GET /api/v1/monitoring/endpoints/:name/alerts': [
    { what: 'unknown state', path: '/api/v1/monitoring/endpoints/qa/alerts?state=panic', message: /state/ },
    { what: 'events above 1000', path: '/api/v1/monitoring/endpoints/qa/alerts?events=1001', message: /events/ },
    badEndpointName('alerts'),
  ],
  'GET /api/v1/monitoring/endpoints/:name/split-test': [
    { what: 'arms missing', path: '/api/v1/monitoring/endpoints/qa/split-test', message: /control/ },
    {
      what: 'primary not a metric',
      path: '/api/v1/monitoring/endpoints/qa/split-test?control=a&candidate=b&primary=vibes',
      message: /primary/,
    },
    {
      what: 'alpha out of range',
      path: '/api/v1/monitoring/endpoints/qa/split-test?control=a&candidate=b&alpha=0.9',
      message: /alpha/,
    },
    badEndpointName('split-test?control=a&candidate=b'),
  ],
  'GET /api/v1/models/:name/promotions': [
    { what: 'one-part model name', path: '/api/v1/models/docs_qa/promotions', message: /name/ },
    { what: 'pageSize not a number', path: `${M}/promotions?pageSize=x`, message: /pageSize/ },
  ],
  'POST /api/v1/models/:name/promotions': [
    malformed(`${M}/promotions`),
    notJson(`${M}/promotions`),
    { what: 'version missing', path: `${M}/promotions`, body: { alias: 'champion' }, message: /body\.version/ },
    {
      what: 'version not positive',
      path: `${M}/promotions`,
      body: { version: 0, alias: 'champion' },
      message: /body\.version/,
    },
    {
      what: 'unknown field',
      path: `${M}/promotions`,
      body: { version: 1, alias: 'champion', colour: 1 },
      message: /colour/,
    },
  ],
  'GET /api/v1/endpoints': [
    { what: 'pageSize not a number', path: '/api/v1/endpoints?pageSize=x', message: /pageSize/ },
  ],
  'POST /api/v1/endpoints': [
    malformed('/api/v1/endpoints'),
    { what: 'name missing', path: '/api/v1/endpoints', body: { config: ENDPOINT }, message: /name/ },
    {
      what: 'bad endpoint name',
      path: '/api/v1/endpoints',
      body: { name: 'Docs QA', config: ENDPOINT },
      message: /name/,
    },
    {
      what: 'traffic not summing to 100',
      path: '/api/v1/endpoints',
      body: { name: 'docs', config: { served: [{ model: 'models:/dev.support.docs_qa/1', traffic: 50 }] } },
      message: /100/,
    },
    {
      what: 'served model not a URI',
      path: '/api/v1/endpoints',
      body: { name: 'docs', config: { served: [{ model: 'dev.support.docs_qa', traffic: 100 }] } },
      message: /model URI/,
    },
  ],
  'PUT /api/v1/endpoints/:name': [
    malformed('/api/v1/endpoints/docs'),
    { what: 'served missing', path: '/api/v1/endpoints/docs', body: { description: 'x' }, message: /served/ },
  ],
  'GET /api/v1/endpoints/:name': [{ what: 'bad endpoint name', path: '/api/v1/endpoints/Docs!', message: /name/ }],
  'DELETE /api/v1/endpoints/:name': [{ what: 'bad endpoint name', path: '/api/v1/endpoints/-docs', message: /name/ }],
  'GET /api/v1/inference': [
    { what: 'limit not a number', path: '/api/v1/inference?limit=many', message: /limit/ },
    { what: 'unknown status', path: '/api/v1/inference?status=maybe', message: /status/ },
  ],
  'GET /api/v1/indexes/:name/builds': [
    { what: 'one-part name', path: '/api/v1/indexes/kb/builds', message: /path\.name/ },
  ],
  'GET /api/v1/indexes/:name/builds/:version': [
    { what: 'version not a number', path: '/api/v1/indexes/dev.support.kb/builds/latest', message: /path\.version/ },
  ],
};
