import { describe, expect, it } from "vitest";
import { dailyCheck, holdsForQuiet, localTime, quietWindow, rateCheck } from "../../src/notify/policy.js";
import { item } from "./fixtures.js";

const at = (iso: string) => Date.parse(iso);
const SH = { from: "01:00", to: "07:00", timezone: "Asia/Shanghai" };

describe("quietWindow", () => {
  it.each([
    // Shanghai is UTC+8: 01:00-07:00 there is 17:00-23:00 UTC the day before.
    [
      "02:30 in Shanghai is inside 01:00-07:00; it ends at 07:00 Shanghai",
      SH,
      "2026-11-22T18:30:00Z",
      "2026-11-22T23:00:00Z",
    ],
    ["01:00 sharp is inside (from is inclusive)", SH, "2026-11-22T17:00:00Z", "2026-11-22T23:00:00Z"],
    ["07:00 sharp is outside (to is exclusive)", SH, "2026-11-22T23:00:00Z", undefined],
    ["00:59 is outside", SH, "2026-11-22T16:59:00Z", undefined],
    ["06:59:30 is inside, 30 s left", SH, "2026-11-22T22:59:30Z", "2026-11-22T23:00:00Z"],
    [
      "a window across midnight (23:00-07:00 UTC) at 23:30 ends the next morning",
      { from: "23:00", to: "07:00", timezone: "UTC" },
      "2026-11-22T23:30:00Z",
      "2026-11-23T07:00:00Z",
    ],
    [
      "the same window at 03:00 ends that morning",
      { from: "23:00", to: "07:00", timezone: "UTC" },
      "2026-11-23T03:00:00Z",
      "2026-11-23T07:00:00Z",
    ],
    [
      "a daytime window 12:00-14:00 at 13:15",
      { from: "12:00", to: "14:00", timezone: "UTC" },
      "2026-11-23T13:15:00Z",
      "2026-11-23T14:00:00Z",
    ],
    [
      "the daytime window at 14:30 is outside",
      { from: "12:00", to: "14:00", timezone: "UTC" },
      "2026-11-23T14:30:00Z",
      undefined,
    ],
    ["from == to is never quiet", { from: "03:00", to: "03:00", timezone: "UTC" }, "2026-11-23T03:00:00Z", undefined],
    [
      "New York in summer (UTC-4): 02:00 local is 06:00 UTC",
      { from: "01:00", to: "07:00", timezone: "America/New_York" },
      "2026-07-01T06:00:00Z",
      "2026-07-01T11:00:00Z",
    ],
  ])("%s", (_why, qh, now, endsAt) => {
    const w = quietWindow(at(now), qh);
    if (endsAt === undefined) expect(w).toEqual({ quiet: false });
    else expect(w).toEqual({ quiet: true, endsAt: at(endsAt) });
  });

  it("localTime reads the wall clock and the date in the timezone", () => {
    expect(localTime(at("2026-11-22T18:30:00Z"), "Asia/Shanghai")).toEqual({
      day: "2026-11-23",
      minuteOfDay: 150,
      msIntoMinute: 0,
    });
    expect(localTime(at("2026-11-22T18:30:00Z"), "UTC").day).toBe("2026-11-22");
  });
});

describe("holdsForQuiet", () => {
  const night = at("2026-11-22T18:30:00Z"); // 02:30 in Shanghai
  const warning = { items: [item({ severity: "warning", status: "warning" })] };
  const critical = { items: [item()] };
  it.each([
    [
      "a warning is held until the window ends (except: critical)",
      warning,
      { ...SH, except: "critical" as const },
      { hold: true, until: at("2026-11-22T23:00:00Z") },
    ],
    [
      "a critical alert goes through (except: critical)",
      critical,
      { ...SH, except: "critical" as const },
      { hold: false },
    ],
    ["except defaults to critical", critical, SH, { hold: false }],
    [
      "except: none holds even critical alerts",
      critical,
      { ...SH, except: "none" as const },
      { hold: true, until: at("2026-11-22T23:00:00Z") },
    ],
    ["except: warning lets everything through", warning, { ...SH, except: "warning" as const }, { hold: false }],
    ["no quiet_hours: nothing is held", warning, undefined, { hold: false }],
  ])("%s", (_why, m, qh, want) => {
    expect(holdsForQuiet(m, night, qh)).toEqual(want);
  });
});

describe("rateCheck (sliding window across runs)", () => {
  const T = at("2026-11-22T10:00:00Z");
  const twenty = Array.from({ length: 20 }, (_, i) => T + i * 1000); // 20 sends in 20 s
  it.each([
    [
      "the 21st send within a minute is refused until the oldest leaves the window",
      twenty,
      T + 30_000,
      { allowed: false, retryAt: T + 60_000 },
    ],
    ["just after the oldest left, one more is allowed", twenty, T + 60_000, { allowed: true }],
    ["19 recent sends leave room for one more", twenty.slice(1), T + 30_000, { allowed: true }],
    ["sends older than the window do not count", twenty.map((t) => t - 120_000), T, { allowed: true }],
  ])("%s", (_why, sent, now, want) => {
    expect(rateCheck(sent, now, { max: 20, per: 60_000 })).toMatchObject(want);
  });
  it("keeps only the sends inside the window", () => {
    expect(rateCheck([T - 61_000, T - 59_000, T], T, { max: 5, per: 60_000 }).recent).toEqual([T - 59_000, T]);
  });
  it("no limit: always allowed", () => {
    expect(rateCheck(twenty, T, undefined)).toEqual({ allowed: true, recent: [] });
  });
});

describe("dailyCheck", () => {
  it.each([
    [
      "below the cap",
      { day: "2026-11-22", dayCount: 19 },
      "2026-11-22T10:00:00Z",
      "UTC",
      { allowed: true, count: 19, day: "2026-11-22" },
    ],
    [
      "at the cap: no more today",
      { day: "2026-11-22", dayCount: 20 },
      "2026-11-22T23:59:59Z",
      "UTC",
      { allowed: false, count: 20, day: "2026-11-22" },
    ],
    [
      "a new day resets the count",
      { day: "2026-11-22", dayCount: 20 },
      "2026-11-23T00:00:00Z",
      "UTC",
      { allowed: true, count: 0, day: "2026-11-23" },
    ],
    [
      "the day is the timezone's: 16:00 UTC is already tomorrow in Shanghai",
      { day: "2026-11-22", dayCount: 20 },
      "2026-11-22T16:00:00Z",
      "Asia/Shanghai",
      { allowed: true, count: 0, day: "2026-11-23" },
    ],
    [
      "a first send ever",
      { day: undefined, dayCount: 0 },
      "2026-11-22T10:00:00Z",
      "UTC",
      { allowed: true, count: 0, day: "2026-11-22" },
    ],
  ])("%s", (_why, cs, now, tz, want) => {
    expect(dailyCheck(cs, at(now), 20, tz)).toEqual(want);
  });
});
