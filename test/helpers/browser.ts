// Headless Chromium (Debian's /usr/bin/chromium) driven by playwright-core, and a static file
// server on 127.0.0.1 over the repository root.
import { createServer, type Server } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize } from "node:path";
import type { AddressInfo } from "node:net";
import { chromium, type Browser } from "playwright-core";
import { ROOT } from "./wasm.js";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

const MIME: Record<string, string> = {
  ".html": "text/html", ".js": "text/javascript", ".mjs": "text/javascript",
  ".wasm": "application/wasm", ".json": "application/json", ".svg": "image/svg+xml",
};

/** A static file server on 127.0.0.1 over `root` (default: the repository). */
export async function serveRoot(root: string = ROOT): Promise<{ server: Server; url: string }> {
  const server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname));
    if (path.includes("..")) { res.writeHead(403).end(); return; }
    try {
      const body = await readFile(join(root, path.endsWith("/") ? `${path}index.html` : path));
      res.writeHead(200, { "content-type": MIME[extname(path)] ?? "application/octet-stream" });
      res.end(body);
    } catch {
      res.writeHead(404).end("not found");
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
      "--no-first-run", "--disable-component-update", "--disable-sync"],
  });
}

/**
 * Opens `url` in a new page, waits until the page has set `window[name]` and returns it; page
 * errors are appended as `error` so a test can assert there were none.
 */
export async function pageResult<T extends { error?: string }>(browser: Browser, url: string, name: string, timeoutMs: number): Promise<T> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(url);
  await page.waitForFunction((n) => (window as unknown as Record<string, unknown>)[n] !== undefined, name, { timeout: timeoutMs });
  const result = await page.evaluate((n) => (window as unknown as Record<string, unknown>)[n], name) as T;
  if (errors.length) result.error = errors.join("\n");
  return result;
}
