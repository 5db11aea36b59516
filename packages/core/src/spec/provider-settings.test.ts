import { describe, expect, it } from 'vitest';
import { parseRagopsSpec } from './load-ragops-spec.ts';
import { resolveProviderSettings } from './provider-settings.ts';

const yaml = (providers: string) => `version: 1\nproviders:\n${providers}`;

describe('ragops.yaml providers:', () => {
  it('resolves ${ENV} references and merges the environment on top, per name', () => {
    const { spec } = parseRagopsSpec(
      yaml(`  llm:
    vllm: { type: openai-compatible, baseURL: "\${VLLM_URL}", apiKey: "\${VLLM_KEY}" }
    local: { type: openai-compatible, baseURL: "http://127.0.0.1:8080/v1" }
  prices:
    "vllm/*": { inputPerMillionUsd: 0.05, outputPerMillionUsd: 0.1 }
`),
      'ragops.yaml',
    );
    const settings = resolveProviderSettings({
      spec: spec.providers,
      env: {
        VLLM_URL: 'http://gpu:8000/v1',
        VLLM_KEY: 'k-1',
        OPENAI_API_KEY: 'sk-x',
        RAGOPS_LLM_PROVIDERS: '{"local":{"type":"openai-compatible","baseURL":"http://other:9000/v1"}}',
        RAGOPS_LLM_PRICES: '{"openai/*":{"inputPerMillionUsd":1,"outputPerMillionUsd":2}}',
      },
    });
    expect(settings.providers).toEqual({
      openai: { type: 'openai', apiKey: 'sk-x' },
      vllm: { type: 'openai-compatible', baseURL: 'http://gpu:8000/v1', apiKey: 'k-1' },
      local: { type: 'openai-compatible', baseURL: 'http://other:9000/v1' },
    });
    expect(Object.keys(settings.prices).sort()).toEqual(['openai/*', 'vllm/*']);
  });

  it('refuses a literal secret in the spec, naming where', () => {
    expect(
      () =>
        parseRagopsSpec(
          yaml(`  llm:\n    vllm: { type: openai-compatible, baseURL: "http://gpu:8000/v1", apiKey: sk-literal }\n`),
          'ragops.yaml',
        ),
      // The file and the key path are named (with the line where the spec loader knows it).
    ).toThrow(/ragops\.yaml[.:][^\n]*providers\.llm\.vllm\.apiKey: secrets are never stored in ragops\.yaml/);
  });

  it('names an unset variable and a bad environment value, all at once', () => {
    const { spec } = parseRagopsSpec(
      yaml(`  llm:\n    vllm: { type: openai-compatible, baseURL: "http://gpu:8000/v1", apiKey: "\${MISSING_KEY}" }\n`),
      'ragops.yaml',
    );
    expect(() => resolveProviderSettings({ spec: spec.providers, env: { RAGOPS_LLM_PRICES: '{"gpt":{}}' } })).toThrow(
      /providers\.llm\.vllm\.apiKey: \$\{MISSING_KEY\} is not set[\s\S]*RAGOPS_LLM_PRICES/,
    );
  });

  it('has the offline default with nothing configured', () => {
    expect(resolveProviderSettings({ env: {} })).toEqual({ providers: {}, prices: {} });
  });

  it('configures an in-process llama-cpp model by its GGUF path, and refuses another file or setting', () => {
    const { spec } = parseRagopsSpec(
      yaml(
        `  llm:\n    local: { type: llama-cpp, modelPath: models/qwen2.5-0.5b-instruct-q4_k_m.gguf, contextSize: 2048, parallel: 2 }\n`,
      ),
      'ragops.yaml',
    );
    expect(resolveProviderSettings({ spec: spec.providers, env: {} }).providers).toEqual({
      local: {
        type: 'llama-cpp',
        modelPath: 'models/qwen2.5-0.5b-instruct-q4_k_m.gguf',
        contextSize: 2048,
        parallel: 2,
      },
    });
    expect(() =>
      parseRagopsSpec(yaml(`  llm:\n    local: { type: llama-cpp, modelPath: models/model.bin }\n`), 'ragops.yaml'),
    ).toThrow(/providers\.llm\.local\.modelPath.*modelPath is a \.gguf file/s);
    expect(() =>
      parseRagopsSpec(yaml(`  llm:\n    local: { type: llama-cpp, modelPath: m.gguf, gpu: true }\n`), 'ragops.yaml'),
    ).toThrow(/gpu/);
    // JSON flow scalars in YAML: "\0" is a NUL.
    expect(() =>
      parseRagopsSpec(yaml(`  llm:\n    local: { type: llama-cpp, modelPath: "m\\0.gguf" }\n`), 'ragops.yaml'),
    ).toThrow(/modelPath.*NUL/s);
    expect(() =>
      parseRagopsSpec(
        yaml(`  llm:\n    local: { type: llama-cpp, modelPath: ${'x'.repeat(5000)}.gguf }\n`),
        'ragops.yaml',
      ),
    ).toThrow(/modelPath/);
  });
});
