import { randomBytes } from 'node:crypto';
import { createRoute } from '@hono/zod-openapi';
import { Hono } from 'hono';
import { csrf } from 'hono/csrf';
import { secureHeaders } from 'hono/secure-headers';
import type { AppContext, RagopsApp } from '../app-context.ts';
import { mapError } from '../errors/error-response.ts';
import { registerCalibrationPages } from './calibration-pages.ts';
import { registerConsoleAssets } from './console-assets.ts';
import { type ConsoleEnv, requireSession } from './console-auth.ts';
import { messagePage } from './console-layout.ts';
import { createSessionSealer } from './console-session.ts';
import { registerDashboardPages } from './dashboard-pages.ts';
import { registerEvalRunPages } from './eval-run-pages.ts';
import { registerFeedbackPages } from './feedback-pages.ts';
import { registerModelPages } from './model-pages.ts';
import { registerPromotionPages } from './promotion-pages.ts';
import { registerReviewPages } from './review-pages.ts';
import { registerSignIn } from './sign-in-page.ts';

const rootRoute = createRoute({
  method: 'get',
  path: '/',
  tags: ['console'],
  summary: 'The front door: the console (which shows its sign-in page when no session exists)',
  responses: { 302: { description: 'to /console' } },
});

/**
 * The web console under /console (server-rendered with hono/html, no build step, no CDN) and `GET /`.
 * Every page sends CSP `default-src 'self'` and `frame-ancestors 'none'`; every POST passes hono's
 * Origin check and the session's CSRF token; pages read through the same services (and grants) as the API.
 */
export function registerConsoleRoutes(app: RagopsApp, ctx: AppContext): void {
  // Without a configured secret, sessions are per process (a restart signs everyone out).
  const sealer = createSessionSealer(ctx.config.consoleSecret ?? randomBytes(32).toString('base64url'));
  const deps = { store: ctx.store, sealer };
  const ui = new Hono<ConsoleEnv>();
  ui.use(
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
      },
      xFrameOptions: 'DENY',
      referrerPolicy: 'same-origin',
    }),
  );
  ui.use(async (c, next) => {
    await next();
    // Pages show what the principal may read: never cache them where another principal could get them.
    if (c.res.headers.get('content-type')?.startsWith('text/html')) c.header('cache-control', 'no-store');
  });
  // Origin (or Sec-Fetch-Site) must be this server for any form post; the per-session token comes next.
  ui.use(csrf());
  ui.onError((err, c) => {
    const mapped = mapError(err);
    const log = c.get('logger');
    if (mapped.status >= 500) log.error({ err, status: mapped.status }, 'console page failed');
    else log.warn({ status: mapped.status, code: mapped.code, message: mapped.message }, 'console request rejected');
    const principal = c.get('principal');
    return c.html(
      messagePage({
        title: mapped.status === 404 ? 'Not found' : `Error ${mapped.status}`,
        message: mapped.message,
        ...(principal && { principal: principal.name, csrf: c.get('csrf') }),
      }),
      mapped.status,
    );
  });
  ui.notFound((c) => c.html(messagePage({ title: 'Not found', message: `No console page at ${c.req.path}` }), 404));

  registerConsoleAssets(ui);
  registerSignIn(ui, deps);
  ui.use('*', requireSession(deps));
  ui.get('/', (c) => c.redirect('/console/models', 303));
  registerModelPages(ui, ctx);
  registerEvalRunPages(ui, ctx);
  registerReviewPages(ui, ctx);
  registerFeedbackPages(ui, ctx);
  registerCalibrationPages(ui, ctx);
  registerPromotionPages(ui, ctx);
  registerDashboardPages(ui, ctx);
  app.route('/console', ui);

  app.openAPIRegistry.registerPath(rootRoute);
  // The session cookie is scoped to /console, so / cannot see it: /console decides (models or sign-in).
  app.get('/', (c) => c.redirect('/console', 302));
}
