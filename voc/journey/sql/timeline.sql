-- Unified timeline: events (ev) and contacts (ct) in one table, ordered per journey by
-- (ts, events before contacts at the same instant, input order): timestamp ties are common.
-- Joined with the step catalog (cat: stage, error, escalation level, wait, waiting-state, loop flags).
-- actor: journey.columns.actor of the event (team / queue / agent group; NULL for contacts);
-- lifecycle: the XES lifecycle transition of the event (schedule / start / complete), if any.
-- context_stage: the stage of the latest staged *event* at or before the row (a contact's
-- business context, e.g. 'purchase'), used to tag friction.
-- next_s, next_event: the time and step of the journey's next row (NULL on its last row), from the
-- same window sort, so that friction (long waits) and the journey table need no window of their own.
-- The window sort carries only what it orders and what every row has; the contact-only columns
-- (joined back by the contact's position in ct) and the catalog flags (by step name) come after
-- it: a window's cost, and how much of it spills under the memory limit, grow with its width.
-- So do a contact's customer_id and channel (its step, 'contact:<channel>', is in the window): with
-- ev_customer / ev_channel 0 (no event fills that column) the window carries no column of NULLs for
-- 11M rows to give 1M contacts their value; at 10M events + 1M contacts that width made the window
-- spill several GB more (the timeline took 18.8 s against 4.0 s without contacts).
WITH unioned AS (
    SELECT journey_id, customer_id, ts, ts_s, event, channel, actor, lifecycle, properties, 0 AS kind_rank, src_order
    FROM ev
    UNION ALL
    SELECT journey_id, CAST(NULL AS STRING) AS customer_id, ts, ts_s, 'contact:' || COALESCE(channel, 'unknown') AS event,
           CAST(NULL AS STRING) AS channel, CAST(NULL AS STRING) AS actor, CAST(NULL AS STRING) AS lifecycle, CAST(NULL AS STRING) AS properties,
           1 AS kind_rank, src_order
    FROM ct
),
staged AS (
    SELECT u.*, cat.stage
    FROM unioned u
    LEFT JOIN cat ON u.event = cat.event
),
-- one window sort: seq, the next row's time and step, and the stage of the latest staged event at
-- or before the row (the row's own stage when there is none); the order (ts, kind, input order)
-- is total, so ROWS frames are exact
ordered AS (
    SELECT s.*,
           ROW_NUMBER() OVER w AS seq,
           LEAD(s.ts_s) OVER w AS next_s, LEAD(s.event) OVER w AS next_event,
           LAST_VALUE(CASE WHEN s.kind_rank = 0 THEN s.stage END IGNORE NULLS)
               OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS ctx_stage
    FROM staged s
    WINDOW w AS (PARTITION BY s.journey_id ORDER BY s.ts_s ASC NULLS LAST, s.kind_rank, s.src_order)
),
contact_cols AS (
    SELECT 1 AS kind_rank, src_order, customer_id, channel, contact_id, intent, sentiment, topic_label, sentiment_score, sentiment_end, closed_s
    FROM ct
)
SELECT o.journey_id, {{ "COALESCE(o.customer_id, c.customer_id)" if ev_customer else "c.customer_id" }} AS customer_id,
       o.ts, o.ts_s, o.seq, CASE WHEN o.kind_rank = 0 THEN 'event' ELSE 'contact' END AS kind,
       o.event, {{ "COALESCE(o.channel, c.channel)" if ev_channel else "c.channel" }} AS channel, c.contact_id, c.intent, c.sentiment, c.topic_label, o.stage, c.sentiment_score, c.sentiment_end,
       c.closed_s, o.properties, o.actor, o.lifecycle, COALESCE(cat.is_error, FALSE) AS is_error, cat.level,
       COALESCE(cat.is_wait_step, FALSE) AS is_wait_step, COALESCE(cat.loopable, FALSE) AS loopable,
       COALESCE(cat.is_waiting_state, FALSE) AS is_waiting_state,
       COALESCE(cat.is_positive_outcome, FALSE) AS is_positive_outcome,
       COALESCE(cat.is_negative_outcome, FALSE) AS is_negative_outcome, o.src_order, o.next_s, o.next_event,
       COALESCE(o.ctx_stage, o.stage) AS context_stage
FROM ordered o
LEFT JOIN contact_cols c ON c.kind_rank = o.kind_rank AND c.src_order = o.src_order
LEFT JOIN cat ON cat.event = o.event
