// A judge for bench:eval on the loopback OpenAI-protocol server: a well-formed verdict for each of
// the five LLM judges, told apart by their system prompts (prompts/judges/*.md). Always favourable:
// the bench measures the harness, not the judge.

type Message = { role?: string; content?: unknown };
const text = (m: Message | undefined) =>
  typeof m?.content === 'string' ? m.content : JSON.stringify(m?.content ?? '');

export function loopbackJudgeVerdict(messages: readonly Message[]): string {
  const system = text(messages.find((m) => m.role === 'system'));
  const user = text(messages.findLast((m) => m.role === 'user'));
  const rationale = 'bench verdict';
  if (/rate how relevant an answer is/.test(system)) return JSON.stringify({ rationale, rating: 5 });
  if (/for each retrieved passage/.test(system)) {
    const input = JSON.parse(user) as { passages?: { n: number }[] };
    return JSON.stringify({ rationale, passages: (input.passages ?? []).map((p) => ({ n: p.n, relevant: true })) });
  }
  if (/taken together/.test(system)) return JSON.stringify({ rationale, sufficient: true });
  if (/comparing it with a reference answer/.test(system)) return JSON.stringify({ rationale, verdict: 'correct' });
  return JSON.stringify({ rationale, claims: [{ claim: 'the answer', supported: true }] });
}
