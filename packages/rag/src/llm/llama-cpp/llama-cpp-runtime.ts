import { ConfigError } from '@ragops/core';
import type { Llama, LlamaChat, LlamaContext, LlamaGrammar, LlamaModel } from 'node-llama-cpp';
import { grammarSchema } from './grammar-schema.ts';

export type LlamaCppRuntimeOptions = {
  /** The GGUF file. */
  modelPath: string;
  /** Tokens of prompt + answer one call may hold. Default 4096 (the model's own limit if smaller). */
  contextSize?: number;
  /** Calls run at once, each on its own sequence of one shared context; more wait. Default 1. */
  parallel?: number;
  /** CPU threads of the context. Default: node-llama-cpp's (the machine's cores). */
  threads?: number;
};

/** A loaded model: a pool of chat sessions over one context, and grammars cached by JSON schema. */
export type LlamaCppRuntime = {
  llama: Llama;
  model: LlamaModel;
  /** Runs `use` on a free chat (waiting for one); its sequence keeps the last prompt for prefix reuse. */
  withChat<T>(use: (chat: LlamaChat) => Promise<T>): Promise<T>;
  /** A grammar forcing JSON of `schema`, or any JSON (`exact: false`) when node-llama-cpp cannot express it. */
  jsonGrammar(schema: Record<string, unknown>): Promise<{ grammar: LlamaGrammar; exact: boolean }>;
};

// node-llama-cpp (its native addon, ~1–2 s to load) is imported on the first call of a llama-cpp
// model, never when @ragops/rag is: the CLI and the server start without it. One Llama per process
// (the library's own rule), one runtime per model file and settings.
let llamaPromise: Promise<Llama> | undefined;
const runtimes = new Map<string, Promise<LlamaCppRuntime>>();

/** The runtime of a GGUF model, loaded once per process and settings. ConfigError when it cannot load. */
export function loadLlamaCppRuntime(options: LlamaCppRuntimeOptions): Promise<LlamaCppRuntime> {
  const key = JSON.stringify([options.modelPath, options.contextSize, options.parallel, options.threads]);
  let runtime = runtimes.get(key);
  if (!runtime) {
    runtime = open(options);
    runtime.catch(() => runtimes.delete(key));
    runtimes.set(key, runtime);
  }
  return runtime;
}

async function open(options: LlamaCppRuntimeOptions): Promise<LlamaCppRuntime> {
  const lib = await import('node-llama-cpp');
  // CPU only, prebuilt binaries only: never probe for CUDA/Vulkan, never download or build at run time.
  llamaPromise ??= lib.getLlama({ gpu: false, build: 'never', progressLogs: false });
  const llama = await llamaPromise;
  let model: LlamaModel;
  let context: LlamaContext;
  const parallel = options.parallel ?? 1;
  try {
    model = await llama.loadModel({ modelPath: options.modelPath });
    context = await model.createContext({
      sequences: parallel,
      contextSize: { max: options.contextSize ?? 4096 },
      ...(options.threads !== undefined && { threads: options.threads }),
    });
  } catch (error) {
    throw new ConfigError(
      `The llama-cpp model ${options.modelPath} failed to load: ${(error as Error).message}. Point modelPath at a GGUF file this node-llama-cpp version reads.`,
      { cause: error },
    );
  }
  const free: LlamaChat[] = [];
  for (let i = 0; i < parallel; i++) free.push(new lib.LlamaChat({ contextSequence: context.getSequence() }));
  const waiting: ((chat: LlamaChat) => void)[] = [];
  const grammars = new Map<string, Promise<{ grammar: LlamaGrammar; exact: boolean }>>();
  return {
    llama,
    model,
    async withChat(use) {
      const chat = free.pop() ?? (await new Promise<LlamaChat>((resolve) => waiting.push(resolve)));
      try {
        return await use(chat);
      } finally {
        const next = waiting.shift();
        if (next) next(chat);
        else free.push(chat);
      }
    },
    jsonGrammar(schema) {
      const key = JSON.stringify(schema);
      let grammar = grammars.get(key);
      if (!grammar) {
        // The schema subset node-llama-cpp compiles to GBNF (objects, arrays, enums, const, strings
        // with lengths, numbers); anything else throws, and then any JSON is forced.
        grammar = llama.createGrammarForJsonSchema(grammarSchema(schema) as never).then(
          (g) => ({ grammar: g, exact: true }),
          async () => ({ grammar: await llama.getGrammarFor('json'), exact: false }),
        );
        grammars.set(key, grammar);
      }
      return grammar;
    },
  };
}
