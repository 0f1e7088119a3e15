// Independent check of a rendered .ics with Mozilla's ical.js (the parser Thunderbird uses).
//
// Usage: node tests/icaljs_validate.mjs FILE.ics
// Prints a JSON summary on stdout; exits 0 when valid, 1 with the problems listed, 2 on usage
// or when ical.js cannot parse the file at all. tests/test_render_icaljs.py runs it.

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
  const starts = {}; // uid -> POSIX seconds of its start (a series: of its first occurrences)
  let recurring = 0;
  let occurrences = 0;
  for (const vevent of vevents) {
    const uid = vevent.getFirstPropertyValue("uid");
    if (!uid) problems.push("a VEVENT has no UID");
    if (!vevent.hasProperty("dtstamp")) problems.push(`${uid}: no DTSTAMP`);
    if (vevent.hasProperty("recurrence-id")) continue;
    const event = new ICAL.Event(vevent, { strictExceptions: false, exceptions: exceptions.get(uid) ?? [] });
    if (!event.startDate) problems.push(`${uid}: no start date`);
    else starts[uid] = [event.startDate.toUnixTime()];
    if (event.endDate && event.startDate && event.endDate.compare(event.startDate) < 0) {
      problems.push(`${uid}: ends before it starts`);
    }
    if (!event.isRecurring()) continue;
    recurring += 1;
    const iterator = event.iterator();
    for (let step = 0; step < STEPS; step += 1) {
      const next = iterator.next();
      if (!next) break;
      const details = event.getOccurrenceDetails(next);
      if (!details.startDate) problems.push(`${uid}: occurrence without start`);
      else if (step > 0) starts[uid].push(details.startDate.toUnixTime());
      occurrences += 1;
    }
  }
  return { events: vevents.length, recurring, occurrences, starts };
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

const path = process.argv[2];
if (!path) {
  console.error("usage: node tests/icaljs_validate.mjs FILE.ics");
  process.exit(2);
}
let summary;
try {
  summary = validate(readFileSync(path, "utf8"));
} catch (error) {
  console.log(JSON.stringify({ ok: false, problems: [`ical.js could not parse ${path}: ${error.message}`] }));
  process.exit(2);
}
console.log(JSON.stringify(summary));
process.exit(summary.ok ? 0 : 1);
