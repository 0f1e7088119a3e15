// Independent check of a rendered .ics with Mozilla's ical.js (the parser Thunderbird uses).
//
// Usage: node tests/icaljs_validate.mjs FILE.ics...
// Prints a JSON summary per file on stdout, one a line; exits 0 when all are valid, 1 with the
// problems listed, 2 on usage or when ical.js cannot parse a file at all. Run by
// tests/test_render_icaljs.py and tests/test_render_corpus_icaljs.py.

import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const STEPS = 5; // occurrences walked per recurring series: enough to hit RRULE/EXDATE logic

function tzidsUsed(component, found = new Set()) {
  for (const property of component.getAllProperties()) {
    const tzid = property.getParameter("tzid");
    if (tzid) found.add(tzid);
  }
  for (const child of component.getAllSubcomponents()) {
    if (child.name !== "vtimezone") tzidsUsed(child, found);
  }
  return found;
}

function checkEvents(calendar, problems) {
  const vevents = calendar.getAllSubcomponents("vevent");
  const exceptions = new Map();
  for (const vevent of vevents) {
    if (vevent.hasProperty("recurrence-id")) {
      const uid = vevent.getFirstPropertyValue("uid");
      exceptions.set(uid, [...(exceptions.get(uid) ?? []), vevent]);
    }
  }
  const starts = {}; // uid -> POSIX seconds of its DTSTART
  const series = {}; // uid of a series -> POSIX seconds of its first occurrences' starts
  let recurring = 0;
  let occurrences = 0;
  for (const vevent of vevents) {
    const uid = vevent.getFirstPropertyValue("uid");
    if (!uid) problems.push("a VEVENT has no UID");
    if (!vevent.hasProperty("dtstamp")) problems.push(`${uid}: no DTSTAMP`);
    if (vevent.hasProperty("recurrence-id")) continue;
    const event = new ICAL.Event(vevent, { strictExceptions: false, exceptions: exceptions.get(uid) ?? [] });
    if (!event.startDate) problems.push(`${uid}: no start date`);
    else starts[uid] = event.startDate.toUnixTime();
    if (event.endDate && event.startDate && event.endDate.compare(event.startDate) < 0) {
      problems.push(`${uid}: ends before it starts`);
    }
    if (!event.isRecurring()) continue;
    recurring += 1;
    series[uid] = [];
    const iterator = event.iterator();
    for (let step = 0; step < STEPS; step += 1) {
      const next = iterator.next();
      if (!next) break;
      const details = event.getOccurrenceDetails(next);
      if (!details.startDate) problems.push(`${uid}: occurrence without start`);
      else series[uid].push(details.startDate.toUnixTime());
      occurrences += 1;
    }
  }
  return { events: vevents.length, recurring, occurrences, starts, series };
}

function validate(text) {
  const calendar = new ICAL.Component(ICAL.parse(text));
  const problems = [];
  if (calendar.name !== "vcalendar") problems.push(`top component is ${calendar.name}`);
  for (const name of ["version", "prodid"]) {
    if (!calendar.hasProperty(name)) problems.push(`VCALENDAR has no ${name.toUpperCase()}`);
  }
  const timezones = new Set();
  for (const vtimezone of calendar.getAllSubcomponents("vtimezone")) {
    const tzid = vtimezone.getFirstPropertyValue("tzid");
    timezones.add(tzid);
    ICAL.TimezoneService.register(vtimezone);
  }
  const used = [...tzidsUsed(calendar)].sort();
  for (const tzid of used) {
    if (!timezones.has(tzid)) problems.push(`TZID ${tzid} has no VTIMEZONE`);
  }
  const counts = checkEvents(calendar, problems);
  return { ok: problems.length === 0, tzids: used, timezones: [...timezones].sort(), ...counts, problems };
}

const paths = process.argv.slice(2);
if (paths.length === 0) {
  console.error("usage: node tests/icaljs_validate.mjs FILE.ics...");
  process.exit(2);
}
// One JSON line per file, in order. exitCode, not exit(): exit() may cut a long output short
// when stdout is a pipe.
process.exitCode = 0;
for (const path of paths) {
  let summary;
  try {
    summary = validate(readFileSync(path, "utf8"));
  } catch (error) {
    summary = { ok: false, unreadable: true, problems: [`ical.js could not parse ${path}: ${error.message}`] };
  }
  console.log(JSON.stringify(summary));
  const code = summary.unreadable ? 2 : summary.ok ? 0 : 1;
  process.exitCode = Math.max(process.exitCode, code);
}
