// Package dynamo implements audit.Store on one DynamoDB table (single-table
// design) with aws-sdk-go-v2, its attributevalue and expression packages.
//
// # Keys
//
// Every key attribute is a string. Entities are stored as native DynamoDB
// maps of their JSON fields (attributevalue with the json tag), next to the
// key attributes below and an "entity" attribute naming the type.
//
//	entity          PK                  SK                 GSI keys (see Indexes)
//	company config  COMPANY#<company>   CONFIG             -
//	touchpoint due  COMPANY#<company>   DUE#<touchpoint>   GSI3  DUE#<company>                   <nextDue>#<touchpoint>
//	review          REVIEW#<review>     REVIEW             GSI3  REVIEWS#<company>                <opens>#<review>
//	done marker     REVIEW#<review>     DONE#<assignment>  -
//	report          REVIEW#<review>     REPORT             -
//	assignment      ASSIGNMENT#<id>     ASSIGNMENT         GSI1  AUDITOR#<company>#<auditor>     <0|1>#<due>#<id>   (only with an auditor)
//	                                                       GSI2  ASSIGNMENTS#<review>#<status>   <due>#<id>
//	walkthrough     WALKTHROUGH#<id>    WALKTHROUGH        -
//	submission      SUBMISSION#<id>     SUBMISSION         -                                                        (ttl)
//	message         MESSAGE#<key>       MESSAGE            -                                                        (ttl)
//	result          RESULT#<id>         RESULT             GSI1  HISTORY#<company>#<touchpoint>  <scoredAt>#<id>
//	                                                       GSI2  RESULTS#<review>                <id>
//	trail id guard  TRAILID#<company>#<entry>  TRAILID     -
//	trail entry     TRAIL#<company>#<kind>#<object>  <at>#<entry>
//	                                                       GSI2  TRAIL#<company>                 <at>#<entry>
//	action          ACTION#<company>#<id>  ACTION          GSI1  ACTIONS#<company>#<status>      <due>#<id>
//	                                                       GSI2  ACTIONS#<company>               <due>#<id>
//	                                                       GSI3  OVERDUE#<company>               <due>#<id>   (only while open, in_progress or reopened)
//	                                                       GSI3  QUEUE#<company>#<qa|appeals>    <since>#<id>       (only while on a lead's queue)
//
// # Company scoping
//
// Every id a company names is its own in the key. Reviews are keyed by
// their id, which carries the company: <company>.<name> (audit.ReviewID;
// no company id contains a dot, and CreateReview refuses an id whose part
// before the first dot is not the review's company), so REVIEW#bank.x and
// REVIEW#bank-pl.x never meet. Every key derived from a review id (done
// markers, the report, ASSIGNMENT#, WALKTHROUGH#, RESULT#, GSI2's
// ASSIGNMENTS# and RESULTS#) begins with it; submission records are keyed
// by assignment and client id. Actions, the trail and every listing carry
// <company> in the key itself. Reviews stored before review ids carried the
// company keep their keys (REVIEW#bank-pl-2026-h2): they stay readable and
// updatable, and no new id has their shape.
//
// Times in sort keys are UTC with nine fraction digits
// (2026-03-02T09:00:00.000000000Z), so they sort as strings.
// Due days of actions are YYYY-MM-DD.
//
// # The audit trail
//
// The trail is append-only: the store has AppendTrail and two listings and
// no other write of these keys. An append is one TransactWriteItems of two
// puts that must both be new: the guard item of the entry id (so a retried
// append, or the SDK's retry after a lost response, changes nothing even if
// it carries another time) and the entry itself in its object's partition.
// An object's history is one strongly consistent Query of that partition,
// oldest first; the company's trail is one Query of GSI2, newest first.
// Entries are stored as native maps; before and after are binary JSON.
//
// # Corrective actions
//
// An action is one item whose "doc" holds its JSON (audit.Date has no
// native form) beside a numeric "version", the optimistic lock of PutAction.
// GSI1 lists a company's actions in one status and GSI2 all of them, both
// by due day; GSI3 holds an action only while it is unfinished, so the
// overdue listing is one Query with GSI3SK < <today>.
//
// # Indexes
//
// All three GSIs project ALL attributes and are sparse: an item is in an
// index only if it has that index's keys.
//   - GSI1 holds assignments with an auditor (unassigned, planned ones are
//     left out), results and actions by status. The auditor sort key starts with 0 for open
//     assignments (planned, assigned, started) and 1 for the rest, so one
//     Query lists open ones first, each group by due time.
//   - GSI2 holds assignments by review and status, results by review, the
//     company's trail and all of a company's actions.
//   - GSI3 holds, in partitions of their own per company, the touchpoint
//     schedule items, the reviews, the unfinished actions and the results
//     on a lead's queue (pending QA or under appeal; a result leaves the
//     index when it is decided). ListDueTouchpoints is one Query with
//     GSI3SK < <before>, soonest first; ListOverdueActions the same way;
//     ListResultsQueued one Query of QUEUE#<company>#<qa|appeals>;
//     ListReviews (the CX lead console's list) one descending Query of
//     REVIEWS#<company>, newest opening first. GSI3 rather than more
//     indexes: each partition is per company and stays small. Every review
//     write sets the keys, so a review stored before them joins the listing
//     on its next update.
//
// Gets use strongly consistent reads. Listings read GSIs, which DynamoDB
// keeps eventually consistent (usually well under a second).
//
// # TTL
//
// Idempotency records (submission items) carry "ttl", epoch seconds
// audit.SubmissionTTL after the recording; outgoing messages' records
// (message items, ClaimMessage in message.go) audit.MessageTTL after the
// claim. The table's TTL is enabled on that attribute. Nothing else expires.
//
// # Sizes
//
// A company configuration is one item whose "body" is gzip-compressed JSON
// (binary). The sample bank (testdata/company: 158 staff, 45 touchpoints,
// two standard sets) is 123 KB of JSON and 20 KB stored. The limit is
// maxBodyBytes (350 KB) compressed, under DynamoDB's 400 KB item limit,
// which at the sample's ratio is about 2 MB of JSON, ten times the sample.
// A bigger configuration is refused as invalid rather than split into
// chunks: one item keeps a save atomic and a read one strongly consistent
// GetItem.
// Reports are stored the same way.
//
// # Writes
//
// RecordSubmission is one TransactWriteItems (assignment at the expected
// version, new walkthrough, new idempotency record); MarkAssignmentDone is
// one TransactWriteItems (new done marker, counter increment);
// PutAssignments and PutResults use BatchWriteItem in chunks of 25,
// retrying unprocessed items with capped exponential backoff and jitter.
package dynamo
