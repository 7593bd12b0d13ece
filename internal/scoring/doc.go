// Package scoring is the one place where touchaudit's valuation rules live:
// it values one walkthrough of a touchpoint −2..+2 against the criteria of a
// versioned standard set, and compiles a review's results into a report
// (aggregates, roll-ups, drift, gaps, cross-channel consistency,
// recommendations, re-verification dates). It is pure Go with no AWS code;
// the workflow, the CLI and the tests call the same functions.
//
// # Rules
//
// Every criterion of the walkthrough's standard version that applies to the
// touchpoint (by touchpoint id or by channel) is evaluated:
//
//   - step: "no" is a missed step: −1, or −2 when the step is critical.
//   - timing: measured from the timeline (below). Within target (≤) is met;
//     over target up to the limit (≤) is −1; over the limit is −2.
//   - effort: the answer's count (channel_switches falls back to the
//     timeline's channel changes). At or under target is met; above target
//     is −1, or −2 when the criterion is flagged companyWork ("the customer
//     does the company's work").
//   - exceed: "yes" is a behaviour seen: +1 (proactive help) or +2
//     (anticipated need). "no" is no gap.
//   - promise: a promise recorded for the criterion that was broken is −1,
//     or −2 at a moment-of-truth touchpoint; pending or kept is met (pending
//     ones are counted in PendingPromises). With no promise recorded, "no"
//     (the commitment was not made) is a missed step. A broken promise tied
//     to no criterion counts the same, with reason id "promise:<id>".
//   - fact: a recorded fact with the criterion's key is met; "no" (not
//     stated) is a missed step. Values are compared across channels, not
//     against a reference.
//   - the walkthrough's resolved=false (the customer's matter was left
//     unresolved) is −1, with reason id "resolved". A file with no
//     "resolved" field leaves it unanswered (ScoreRecorded).
//
// An answer "na" leaves the criterion out (listed in NotApplicable). A
// criterion with no answer (and, for timing, no measured steps) is listed in
// Unanswered and not counted: it neither lowers nor raises the valuation.
// An answer of the wrong shape (a count for a step, yes/no for an effort
// criterion) is invalid input.
//
// The valuation is the worst penalty when there is any (−2 beats −1); with
// no penalty it is +2 when a +2 behaviour was seen, else +1 when a +1
// behaviour was seen, else 0. Behaviours beyond expectations never lift a
// penalty. Reasons are the criteria that decided it: for a negative
// valuation every penalty, worst first, in standard order; for a positive
// one the behaviours seen, +2 first; for 0 the critical steps and timings
// that were met (all met criteria when there are none). Gaps list every
// missed criterion with its people/process/technology category. The rule
// values (−1/−2) and the clock-skew bound are configurable per standard set
// (audit.ValuationRules; zero fields take the defaults).
//
// # Timing
//
// Durations are measured with the auditor's device (client) stamps, because
// a device clock measures intervals well even when it is set wrong; server
// stamps only detect skew. A step's active time is its end minus its start
// minus its pauses. A timing criterion with step is the summed active time
// of the steps with that key; with from/to it runs from the start of the
// first "from" step to the end of the last "to" step (defaults: the first
// and last steps), across channels and days, minus the pauses of the steps
// in between. Invalid input, with the field path: a step or pause ending
// before it starts; a pause outside its step or overlapping the previous
// one; a step starting before the previous step started (out of order); a
// step or the whole task over 90 days (MaxTaskDuration); a client stamp
// more than MaxClockSkew (default 10m) from its server stamp, either way
// (stamps with no server time are not checked).
//
// # Review
//
// Aggregate takes the median of a touchpoint's walks; with an even count the
// lower middle value (the conservative choice). Walks by different auditors
// 2 or more points apart are flagged as a disagreement. Roll-ups by stage, journey and channel
// average the touchpoint medians. Drift compares each touchpoint with the
// previous review and, when the standard version changed, scores each
// side's walkthroughs against the other side's standard on the criteria
// with the same id in both (ScoreAgainst). Gaps are totalled per journey by
// cause. Facts are compared after NormalizeFact. Recommend ranks every
// touchpoint below 0 by impact = (0 − median) × weight × reach, where the
// weight is 1, +0.5 for a moment of truth, +0.5 for a customer-effort point;
// then picks at most 3 differentiators (median 0 or +1, no disagreement,
// a +2 behaviour defined) by weight × reach, impact = (2 − median) × weight ×
// reach. Quadrants: impact ≥ 0.5 is high, cost > 20 person-days is high
// (unestimated fixes cost 10): quick win (high, cheap), major project
// (high, costly), fill-in (low, cheap), thankless (low, costly).
// NextDue applies the re-verification cadence; intervals that are whole
// multiples of 30 days are calendar months (AddInterval). A −2 is due one
// month after its fix is marked done (ReportInput.FixesDone, MarkFixDone,
// the CLI's --fixes), provisionally one month after the walk until then.
package scoring
