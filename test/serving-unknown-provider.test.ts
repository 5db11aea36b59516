// A chain naming an LLM provider the configuration lacks (`provider: gpt`): refused when it is
// registered (CLI library call and REST), and, when such a version exists anyway (registered where the
// provider was configured), a typed 500 config_error whose message — in the response and in the
// inference row — says which provider is missing and how to fix it.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { getModelVersion } from '@ragops/core';
import { registerChain } from '@ragops/rag';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INDEX, MODEL, type ServingFixture, startServingFixture } from './serving-fixture.ts';

let f: ServingFixture;
beforeAll(async () => {
  f = await startServingFixture();
});
afterAll(async () => f?.close());

async function writeSpec(llm: string, providers = ''): Promise<string> {
  const path = join(f.home, 'ragops.yaml');
  await writeFile(
    path,
    [
      'version: 1',
      'indexes:',
      `  ${INDEX}: { source: docs }`,
      'chains:',
      '  qa:',
      `    index: ${INDEX}`,
      '    prompt: prompt.md',
      `    llm: ${llm}`,
      providers,
    ].join('\n'),
  );
  await writeFile(
    join(f.home, 'prompt.md'),
    '---\nname: p\nvariables: [context, question]\n---\n{{context}}\n{{question}}\n',
  );
  return path;
}

const register = (specPath: string, env: Record<string, string> = {}) =>
  registerChain({
    store: f.store,
    actor: f.admin,
    requestId: 'test',
    home: f.home,
    specPath,
    chain: 'qa',
    model: MODEL,
    env,
  });

describe('an LLM provider the configuration lacks', () => {
  it('is refused by registration (ragops models register), naming the provider and the configured ones', async () => {
    const spec = await writeSpec('{ provider: gpt, model: gpt-4o }');
    await expect(register(spec)).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringMatching(
        /chains\.qa\.llm: LLM provider "gpt" is not configured \(configured: extractive\)/,
      ),
    });
    // A fallback counts too.
    const withFallback = await writeSpec(
      '{ provider: extractive, model: x, params: { fallbacks: [{ provider: gtp, model: m }] } }',
    );
    await expect(register(withFallback)).rejects.toMatchObject({ message: expect.stringMatching(/"gtp"/) });
  });

  it('is accepted once ragops.yaml or the environment configures it', async () => {
    const inSpec = await writeSpec(
      '{ provider: gpt, model: gpt-4o }',
      'providers:\n  llm:\n    gpt: { type: openai-compatible, baseURL: "http://127.0.0.1:9/v1" }\n',
    );
    expect((await register(inSpec)).package.chain.llm.provider).toBe('gpt');
    const plain = await writeSpec('{ provider: gpt, model: gpt-4o }');
    const env = { RAGOPS_LLM_PROVIDERS: '{"gpt":{"type":"openai","apiKey":"k"}}' };
    expect((await register(plain, env)).package.chain.llm.provider).toBe('gpt');
  });

  it('is refused by POST /api/v1/models/{name}/versions with a 400 naming it', async () => {
    const existing = (await f.rows(0)).length; // registration writes no inference row
    const res = await fetch(`${f.url}/api/v1/models/${MODEL}/versions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${f.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ package: await packageOf('gpt') }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('invalid_input');
    expect(body.error.message).toMatch(/package\.chain\.llm: LLM provider "gpt" is not configured/);
    expect((await f.rows(0)).length).toBe(existing);
  });

  it('is served as a typed 500 config_error with the cause in the response and in the inference row', async () => {
    // Registered where `gpt` was configured (the earlier test), served by a server that lacks it.
    const version = await f.registerVersion({ provider: 'gpt', model: 'gpt-4o' });
    await f.createEndpoint('gpt-qa', { served: [{ model: `models:/${MODEL}/${version}`, traffic: 100 }] });
    const sdk = new OpenAI({ baseURL: f.baseURL, apiKey: f.adminToken, maxRetries: 0 });
    const error = (await sdk.chat.completions
      .create({ model: 'gpt-qa', messages: [{ role: 'user', content: 'What is Lance?' }] })
      .catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    expect(error.status).toBe(500);
    expect(error.code).toBe('config_error');
    expect(error.message).toMatch(
      new RegExp(`models:/${MODEL}/${version} cannot be served as configured: Unknown LLM provider "gpt"`),
    );
    expect(error.message).not.toMatch(/Internal server error/);
    const requestId = error.headers?.get('x-request-id');
    const row = await f.rowWhere((r) => r.requestId === requestId);
    expect(row).toMatchObject({ status: 'error', httpStatus: 500, errorCode: 'config_error' });
    expect(row!.errorMessage).toMatch(/Unknown LLM provider "gpt"\. Configured: extractive/);
  });
});

/** Version 1's package (registered above) with another LLM provider. */
async function packageOf(provider: string) {
  const { package: pkg } = await getModelVersion({ store: f.store, actor: f.admin, name: MODEL, version: 1 });
  return { ...pkg, chain: { ...pkg.chain, llm: { ...pkg.chain.llm, provider } } };
}
