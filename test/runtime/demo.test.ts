// demo/index.html in headless Chromium over a static server: it loads the same dist/ (index.js and
// sdebnn.wasm), the 1D model's loss goes down as it trains live, a digit drawn with the mouse is
// classified by the committed checkpoint, and the screenshot is not blank.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import type { Server } from "node:http";
import { statSync } from "node:fs";
import { join } from "node:path";
import { launchChromium, serveRoot } from "../helpers/browser.js";
import { decodePngGrey } from "../../src/data/png.js";
import { ROOT } from "../helpers/wasm.js";

interface DemoState { ready: boolean; step: number; losses: number[]; error: string | null;
  digit: { probs: number[]; prediction: number; entropy: number; mutualInformation: number } | null }

let server: Server, browser: Browser, page: Page;
const requested: string[] = [], errors: string[] = [];
const demo = () => page.evaluate(() => (window as unknown as { __demo: DemoState }).__demo);
const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;

beforeAll(async () => {
  const served = await serveRoot();
  server = served.server;
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
  page.on("request", (r) => requested.push(new URL(r.url()).pathname));
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(`${served.url}/demo/index.html`);
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
});

describe("browser demo", () => {
  it("loads dist/advanced.js and dist/sdebnn.wasm and the committed checkpoint (< 300 KB)", async () => {
    await page.waitForFunction(() => (window as unknown as { __demo?: DemoState }).__demo?.ready || (window as unknown as { __demo?: DemoState }).__demo?.error, null, { timeout: 30_000 });
    const s = await demo();
    expect(s.error).toBeNull();
    expect(errors).toEqual([]);
    expect(requested).toEqual(expect.arrayContaining(["/demo/demo.js", "/dist/advanced.js", "/dist/sdebnn.wasm", "/demo/mnist-small.safetensors"]));
    expect(statSync(join(ROOT, "demo/mnist-small.safetensors")).size).toBeLessThan(300 * 1024);
  });

  it("trains live: the mean loss of a later window is below that of the first", async () => {
    await page.waitForFunction(() => (window as unknown as { __demo: DemoState }).__demo.step >= 40, null, { timeout: 30_000 });
    const early = await demo();
    await page.waitForFunction((n) => (window as unknown as { __demo: DemoState }).__demo.step >= n, early.step + 150, { timeout: 40_000 });
    const later = await demo();
    expect(later.losses.every(Number.isFinite)).toBe(true);
    const first = mean(early.losses.slice(0, 20)), recent = mean(later.losses.slice(-20));
    expect(recent).toBeLessThan(first);
    expect(await page.textContent("#status")).toMatch(/^update \d+ \/ 3000, loss/);
    await page.click("#pause"); // training done with; free the CPU for the other tests
    const paused = (await demo()).step;
    await page.waitForTimeout(300);
    expect((await demo()).step).toBe(paused);
  });

  it("classifies a digit drawn on the canvas (a vertical stroke is a 1)", async () => {
    const box = (await page.locator("#draw").boundingBox())!;
    await page.mouse.move(box.x + 145, box.y + 40);
    await page.mouse.down();
    for (let k = 1; k <= 10; k++) await page.mouse.move(box.x + 140, box.y + 40 + k * 20);
    await page.mouse.up();
    await page.waitForFunction(() => (window as unknown as { __demo: DemoState }).__demo.digit !== null, null, { timeout: 10_000 });
    const { digit } = await demo();
    expect(digit!.probs).toHaveLength(10);
    expect(mean(digit!.probs) * 10).toBeCloseTo(1, 5);
    expect(digit!.prediction).toBe(1);
    expect(digit!.entropy).toBeGreaterThanOrEqual(digit!.mutualInformation);
    expect(digit!.mutualInformation).toBeGreaterThanOrEqual(0);
    expect(await page.textContent("#uncertainty")).toMatch(/^prediction 1; entropy [0-9.]+ nats, mutual information [0-9.]+ nats$/);
  });

  it("the screenshot is not blank: the plot and the page have many non-background pixels", async () => {
    const shot = await decodePngGrey(new Uint8Array(await page.screenshot()), "page.png");
    const plot = await decodePngGrey(new Uint8Array(await page.locator("#plot").screenshot()), "plot.png");
    const nonWhite = (img: { pixels: Uint8Array }) => img.pixels.reduce((n, v) => n + (v < 245 ? 1 : 0), 0) / img.pixels.length;
    expect(nonWhite(plot)).toBeGreaterThan(0.05); // band, samples, data
    expect(nonWhite(shot)).toBeGreaterThan(0.1);  // plus the black drawing box and the text
  });
});
