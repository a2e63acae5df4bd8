-- Every (earlier, later) pair of contacts of the same customer, the later one at most
-- {{ window_s }} seconds after the earlier (the window is inclusive: exactly 7 days later is a repeat),
-- across all channels. Same-instant contacts are ordered by input order.
-- same_intent: both intents known, not 'unknown', and equal.
SELECT a.contact_id AS earlier_id,
       b.contact_id AS later_id,
       a.customer_id,
       (b.ts_s - a.ts_s) / 3600.0 AS hours_between,
       (a.intent IS NOT NULL AND b.intent IS NOT NULL AND LOWER(a.intent) <> 'unknown'
        AND LOWER(a.intent) = LOWER(b.intent)) AS same_intent
FROM ct a
JOIN ct b
  ON a.customer_id = b.customer_id
 AND a.contact_id <> b.contact_id
WHERE a.customer_id IS NOT NULL
  AND a.ts_s IS NOT NULL AND b.ts_s IS NOT NULL
  AND b.ts_s - a.ts_s <= {{ window_s }}
  AND (b.ts_s > a.ts_s OR (b.ts_s = a.ts_s AND b.src_order > a.src_order))
