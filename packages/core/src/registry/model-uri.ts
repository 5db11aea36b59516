import { z } from 'zod';
import { InvalidInputError } from '../errors/ragops-error.ts';
import { formatThreeLevelName, parseThreeLevelName, type ThreeLevelName } from '../names/three-level-name.ts';
import { aliasNameProblem } from './registry-rules.ts';

/** A reference to one version of a model: by number or by alias. */
export type VersionRef = { version: number } | { alias: string };

/** `models:/c.s.m/3` or `models:/c.s.m@champion`, parsed. */
export type ModelUri = { name: ThreeLevelName; ref: VersionRef };

const URI = /^models:\/([^/@]+)(?:\/(\d+)|@([^/@]+))$/;

/**
 * Parses `models:/catalog.schema.model/3` or `models:/catalog.schema.model@alias`.
 * Throws InvalidInputError saying what is wrong.
 * @example parseModelUri('models:/prod.support.docs_qa@champion')
 */
export function parseModelUri(value: string): ModelUri {
  const match = URI.exec(value);
  if (!match) {
    throw new InvalidInputError(
      `"${value}" is not a model URI: use models:/catalog.schema.model/<version> or models:/catalog.schema.model@<alias>`,
    );
  }
  const name = parseThreeLevelName(match[1] ?? '');
  if (match[2] !== undefined) {
    const version = Number(match[2]);
    if (!Number.isSafeInteger(version) || version < 1) {
      throw new InvalidInputError(`"${value}": version must be a positive integer`);
    }
    return { name, ref: { version } };
  }
  const alias = match[3] ?? '';
  const problem = alias === 'latest' ? undefined : aliasNameProblem(alias);
  if (problem) throw new InvalidInputError(`"${value}": ${problem}`);
  return { name, ref: { alias } };
}

/** Formats a model URI; the inverse of parseModelUri. */
export function formatModelUri(uri: ModelUri): string {
  const base = `models:/${formatThreeLevelName(uri.name)}`;
  return 'version' in uri.ref ? `${base}/${uri.ref.version}` : `${base}@${uri.ref.alias}`;
}

/** zod: a model URI string that parses to ModelUri. */
export const modelUriSchema = z.string().transform((value, ctx): ModelUri => {
  try {
    return parseModelUri(value);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
    return z.NEVER;
  }
});
