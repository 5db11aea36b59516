import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';

/** A rendered fragment: hono/html escapes every interpolated value that is not itself a fragment. */
export type Fragment = HtmlEscapedString | Promise<HtmlEscapedString>;

export type LayoutOptions = {
  title: string;
  /** Signed-in principal; absent on the sign-in page (no nav, no sign-out form). */
  principal?: string;
  /** The session's CSRF token, for the sign-out form. */
  csrf?: string;
  body: Fragment;
  /** Extra local stylesheets and scripts of one page (the dashboard's chart library). */
  head?: Fragment;
};

/** The hidden CSRF field every console form carries (checked with the Origin header on each POST). */
export const csrfField = (token: string) => html`<input type="hidden" name="_csrf" value="${token}">`;

/** One console page: local CSS and script only (CSP allows 'self' and nothing else). */
export function layout(options: LayoutOptions): Fragment {
  const nav =
    options.principal === undefined
      ? ''
      : html`<nav>
          <a href="/console/models">Models</a>
          <a href="/console/eval-runs">Eval runs</a>
          <a href="/console/review">Review</a>
          <a href="/console/feedback">Feedback</a>
          <a href="/console/calibrations">Calibrations</a>
          <a href="/console/promotions">Promotions</a>
          <a href="/console/monitoring">Monitoring</a>
          <span class="who">${options.principal}</span>
          <form method="post" action="/console/sign-out" class="inline">
            ${csrfField(options.csrf ?? '')}<button type="submit">Sign out</button>
          </form>
        </nav>`;
  return html`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>${options.title} · ragops</title>
    <link rel="stylesheet" href="/console/assets/console.css">
    <script src="/console/assets/console.js" defer></script>
    ${options.head ?? ''}
  </head>
  <body>
    <header><a class="brand" href="/console">ragops</a>${nav}</header>
    <main>${options.body}</main>
  </body>
</html>`;
}

/** A plain message page (errors, empty states). */
export function messagePage(options: { title: string; message: string; principal?: string; csrf?: string }) {
  return layout({
    title: options.title,
    ...(options.principal !== undefined && { principal: options.principal, csrf: options.csrf ?? '' }),
    body: html`<h1>${options.title}</h1>
      <p class="message">${options.message}</p>`,
  });
}

/** A number shown with 3 significant decimals, or an en dash for none. */
export function num(value: number | null | undefined, digits = 3): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(digits);
}
