-- One row per contact (input order).
--   is_repeat: an earlier contact of the same customer lies within the window (null: no customer)
--   previous_contact_id / hours_since_previous: the most recent earlier contact in the window,
--     preferring one about the same issue
--   same_issue: some earlier contact in the window is about the same issue (same known intent,
--     or embedding cosine >= {{ similarity }})
--   resolved_first_contact (FCR): no later same-issue contact within the window; null when the
--     window after the contact runs past the end of the data ({{ data_end_s }}) and none was seen yet
--     (the answer is not observable), or when the contact has no time or no customer.
WITH p AS (
    SELECT earlier_id, later_id, hours_between,
           (same_intent OR COALESCE(similarity >= {{ similarity }}, FALSE)) AS same_issue
    FROM pairs
),
prev AS (
    SELECT later_id, earlier_id, hours_between, same_issue,
           ROW_NUMBER() OVER (PARTITION BY later_id
                              ORDER BY CASE WHEN same_issue THEN 0 ELSE 1 END, hours_between, earlier_id) AS rn
    FROM p
),
followed AS (
    SELECT earlier_id, MAX(CASE WHEN same_issue THEN 1 ELSE 0 END) AS followed_same
    FROM p
    GROUP BY earlier_id
)
SELECT c.contact_id, c.customer_id, c.ts AS created_at, c.channel, c.intent, c.topic_label,
       CASE WHEN c.customer_id IS NULL OR c.ts_s IS NULL THEN NULL ELSE (l.later_id IS NOT NULL) END AS is_repeat,
       l.earlier_id AS previous_contact_id,
       l.hours_between AS hours_since_previous,
       CASE WHEN c.customer_id IS NULL OR c.ts_s IS NULL THEN NULL ELSE COALESCE(l.same_issue, FALSE) END AS same_issue,
       CASE WHEN c.customer_id IS NULL OR c.ts_s IS NULL THEN NULL
            WHEN COALESCE(f.followed_same, 0) = 1 THEN FALSE
            WHEN c.ts_s + {{ window_s }} > {{ data_end_s }} THEN NULL
            ELSE TRUE END AS resolved_first_contact
FROM ct c
LEFT JOIN prev l ON l.later_id = c.contact_id AND l.rn = 1
LEFT JOIN followed f ON f.earlier_id = c.contact_id
ORDER BY c.src_order
