// npm start: serves the examples and the built bundle at http://127.0.0.1:8080/examples/.
// The COOP/COEP headers make the page cross-origin isolated, so WASM can use every core.
const isolate = async (ctx, next) => {
  ctx.set('Cross-Origin-Opener-Policy', 'same-origin');
  ctx.set('Cross-Origin-Embedder-Policy', 'require-corp');
  ctx.set('Cross-Origin-Resource-Policy', 'same-origin');
  await next();
};

const canOpenBrowser = !process.env.CI && (process.platform !== 'linux' || !!process.env.DISPLAY);

export default {
  rootDir: '.',
  hostname: '127.0.0.1',
  port: Number(process.env.PORT ?? 8080),
  open: canOpenBrowser ? '/examples/' : false,
  middleware: [isolate],
};
