// Drives the ckm explorer in headless Chromium and prints what the page
// shows, one "key value..." line each, for tools/browser/run.R to check
// against ckm_converge() and ckm_elbow() computed in R.
// Usage: node explorer.mjs URL SCREENSHOT_DIR N K SEED INIT
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";

const [url, shots, n, k, seed, init] = process.argv.slice(2);
mkdirSync(shots, { recursive: true });
const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";
const browser = await chromium.launch({
  executablePath,
  args: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         "--disable-background-networking", "--no-first-run"],
});
const say = (...a) => console.log(a.join(" "));
const fail = async (msg) => { say("error", msg); await browser.close(); process.exit(1); };
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.setDefaultTimeout(30000);
  page.on("pageerror", (e) => say("pageerror", JSON.stringify(String(e))));
  await page.goto(url);
  await page.waitForSelector("#status-line[data-iterations]");

  // a selectize input: open it and click the option
  const choose = async (id, label) => {
    await page.click(`#${id} + .selectize-control .selectize-input`);
    await page.click(`#${id} + .selectize-control .option[data-value="${label}"]`);
  };
  const setNumber = async (id, value) => {
    await page.fill(`#${id}`, String(value));
    await page.press(`#${id}`, "Tab");
  };
  // wait until the status line shows a given attribute value
  const statusIs = (attr, value) => page.waitForFunction(([a, v]) => {
    const el = document.querySelector("#status-line");
    return el && el.getAttribute(a) === v;
  }, [attr, String(value)]);
  const status = async () => page.$eval("#status-line", (el) => ({
    step: +el.dataset.step, iterations: +el.dataset.iterations,
    inertia: el.dataset.inertia, converged: el.dataset.converged, text: el.textContent }));
  // Shiny has finished recomputing (the page's html element loses its
  // shiny-busy class), after a short wait for the change to reach it
  const idle = async () => {
    await page.waitForTimeout(500);
    await page.waitForFunction(() => !document.documentElement.classList.contains("shiny-busy"));
  };
  // a plot has rendered when its <img> has a decoded image of non-zero size
  const plotDrawn = (id) => page.waitForFunction((i) => {
    const img = document.querySelector(`#${i} img`);
    return img && img.complete && img.naturalWidth > 0 && img.naturalHeight > 0;
  }, id);

  // the first screen as it opens: the default fit, played to its end, and
  // the failure case its link shows
  const note = () => page.$eval("#status-note", (el) => el.textContent).catch(() => "");
  // End, once the page has settled: the last step drawn, its note said
  const atEnd = async (key, shot) => {
    await idle();
    await page.click("#end");
    await page.waitForFunction(() => {
      const el = document.querySelector("#status-line");
      return el && +el.dataset.step > 0 && el.dataset.step === el.dataset.iterations;
    });
    await plotDrawn("clusters");
    say(key, JSON.stringify(await note()));
    await page.screenshot({ path: `${shots}/${shot}` });
  };
  await atEnd("first_note", "explorer-first.png");
  await page.click("#failure");
  await atEnd("failure_note", "explorer-failure.png");

  await choose("dataset", "blobs");
  await setNumber("n", n);
  await setNumber("k", k);
  await setNumber("seed", seed);
  await page.check(`input[name="init"][value="${init}"]`);
  await idle();
  await statusIs("data-step", 0);
  const first = await status();
  say("iterations", first.iterations);
  await plotDrawn("clusters");
  await page.screenshot({ path: `${shots}/explorer-start.png` });
  for (let t = 1; t <= first.iterations; t++) {
    await page.click("#step");
    await statusIs("data-step", t);
    await plotDrawn("clusters");
    await plotDrawn("trace");
    const s = await status();
    say("inertia", t, s.inertia);
    if (t === 1) await page.screenshot({ path: `${shots}/explorer-step1.png` });
  }
  const end = await status();
  say("converged", end.converged);
  await page.screenshot({ path: `${shots}/explorer-converged.png` });
  await page.click("#back");
  await statusIs("data-step", first.iterations - 1);
  say("back", (await status()).step);
  await page.click("#reset");
  await statusIs("data-step", 0);

  // the non-convex wall: moons with k = 2, animated to the end
  await choose("dataset", "moons");
  await setNumber("k", 2);
  await idle();
  await statusIs("data-step", 0);
  const moonIters = (await status()).iterations;
  await page.click("#play");
  await statusIs("data-step", moonIters);
  await plotDrawn("clusters");
  const moon = await status();
  say("moons", moon.iterations, moon.inertia, JSON.stringify(moon.text));
  await page.screenshot({ path: `${shots}/explorer-moons.png` });

  // the elbow tab, on blobs again
  await choose("dataset", "blobs");
  await setNumber("k", k);
  await page.click('a[data-value="elbow"]');
  await page.click("#run_elbow");
  await page.waitForSelector("#elbow-line[data-k-knee]");
  await plotDrawn("elbow_plot");
  say("knee", await page.$eval("#elbow-line", (el) => el.dataset.kKnee),
      await page.$eval("#elbow-line", (el) => el.dataset.kSilhouette));
  await page.screenshot({ path: `${shots}/explorer-elbow.png` });

  // the benchmark tab: the stored grid, then a small run here
  await page.click('a[data-value="bench"]');
  await page.waitForSelector("#bench-line[data-rows]");
  for (const id of ["bench_time", "bench_memory", "bench_cpu", "bench_quality"]) await plotDrawn(id);
  say("bench_rows", await page.$eval("#bench-line", (el) => el.dataset.rows));
  await page.screenshot({ path: `${shots}/explorer-bench-grid.png`, fullPage: true });
  await setNumber("bn", 3000);
  await page.click("#run_bench");
  await page.waitForFunction(() => {
    const el = document.querySelector("#bench-line");
    return el && el.dataset.rows === "4";
  });
  for (const id of ["bench_time", "bench_memory", "bench_cpu", "bench_quality"]) await plotDrawn(id);
  const cells = await page.$$eval("#bench_table td", (tds) => tds.length);
  say("bench_run_cells", cells);
  await page.screenshot({ path: `${shots}/explorer-bench-run.png`, fullPage: true });
  say("done");
} catch (e) {
  await fail(JSON.stringify(String(e && e.message || e)));
}
await browser.close();
