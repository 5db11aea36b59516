import { Tiktoken } from 'js-tiktoken/lite';
import cl100kBase from 'js-tiktoken/ranks/cl100k_base';

let encoder: Tiktoken | undefined;

/**
 * Token count with the cl100k_base encoding, built from the ranks installed with js-tiktoken.
 * LangChain's TokenTextSplitter would fetch the ranks over the network; this never does.
 */
export function countTokens(text: string): number {
  encoder ??= new Tiktoken(cl100kBase);
  return encoder.encode(text, [], []).length;
}
