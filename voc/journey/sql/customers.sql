-- One row per known customer (unmatched contacts have none): journeys, contacts, repeat-contact
-- rate (repeat contacts / contacts whose repeat status is known), FCR rate, friction score
-- (mean and max over the customer's journeys, 0..100), last intent and activity span.
WITH j AS (
    SELECT customer_id, COUNT(*) AS n_journeys, CAST(SUM(n_events) AS BIGINT) AS n_events,
           AVG(friction_score) AS friction_score, MAX(friction_score) AS friction_score_max,
           MIN("start") AS first_seen, MAX("end") AS last_seen
    FROM jn
    WHERE customer_id IS NOT NULL
    GROUP BY customer_id
),
c AS (
    SELECT customer_id, COUNT(*) AS n_contacts,
           SUM(CASE WHEN is_repeat THEN 1 ELSE 0 END) AS n_repeat_contacts,
           AVG(CASE WHEN is_repeat THEN 1.0 WHEN NOT is_repeat THEN 0.0 END) AS repeat_contact_rate,
           AVG(CASE WHEN resolved_first_contact THEN 1.0 WHEN NOT resolved_first_contact THEN 0.0 END) AS fcr_rate,
           MAX(created_at) AS last_contact_at
    FROM rc
    WHERE customer_id IS NOT NULL
    GROUP BY customer_id
),
li AS (
    SELECT customer_id, intent,
           ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY created_at DESC, contact_id DESC) AS rn
    FROM rc
    WHERE customer_id IS NOT NULL AND intent IS NOT NULL AND created_at IS NOT NULL
),
k AS (
    SELECT customer_id, kind, COUNT(*) AS n
    FROM fr WHERE customer_id IS NOT NULL
    GROUP BY customer_id, kind
),
top_kind AS (
    SELECT customer_id, kind, ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY n DESC, kind) AS rn FROM k
)
SELECT j.customer_id, j.n_journeys, j.n_events,
       CAST(COALESCE(c.n_contacts, 0) AS BIGINT) AS n_contacts,
       CAST(COALESCE(c.n_repeat_contacts, 0) AS BIGINT) AS n_repeat_contacts,
       c.repeat_contact_rate, c.fcr_rate,
       j.friction_score, j.friction_score_max, tk.kind AS top_friction,
       li.intent AS last_intent, c.last_contact_at, j.first_seen, j.last_seen
FROM j
LEFT JOIN c ON c.customer_id = j.customer_id
LEFT JOIN li ON li.customer_id = j.customer_id AND li.rn = 1
LEFT JOIN top_kind tk ON tk.customer_id = j.customer_id AND tk.rn = 1
ORDER BY j.customer_id
