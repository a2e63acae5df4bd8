-- Unified timeline: events (ev) and contacts (ct) in one table, ordered per journey by
-- (ts, events before contacts at the same instant, input order): timestamp ties are common.
-- Joined with the step catalog (cat: stage, error, escalation level, wait, waiting-state, loop flags).
-- actor: journey.columns.actor of the event (team / queue / agent group; NULL for contacts);
-- lifecycle: the XES lifecycle transition of the event (schedule / start / complete), if any.
-- context_stage: the stage of the latest staged *event* at or before the row (a contact's
-- business context, e.g. 'purchase'), used to tag friction.
-- next_s, next_event: the time and step of the journey's next row (NULL on its last row), from the
-- same window sort, so that friction (long waits) and the journey table need no window of their own.
WITH unioned AS (
    SELECT journey_id, customer_id, ts, ts_s, 'event' AS kind, event, channel, actor, lifecycle,
           CAST(NULL AS STRING) AS contact_id, CAST(NULL AS STRING) AS intent,
           CAST(NULL AS STRING) AS sentiment, CAST(NULL AS STRING) AS topic_label,
           CAST(NULL AS DOUBLE) AS sentiment_score, CAST(NULL AS DOUBLE) AS sentiment_end,
           CAST(NULL AS DOUBLE) AS closed_s, properties, 0 AS kind_rank, src_order
    FROM ev
    UNION ALL
    SELECT journey_id, customer_id, ts, ts_s, 'contact' AS kind,
           'contact:' || COALESCE(channel, 'unknown') AS event, channel, CAST(NULL AS STRING) AS actor, CAST(NULL AS STRING) AS lifecycle,
           contact_id, intent, sentiment, topic_label, sentiment_score, sentiment_end,
           closed_s, CAST(NULL AS STRING) AS properties, 1 AS kind_rank, src_order
    FROM ct
),
staged AS (
    SELECT u.*, cat.stage, COALESCE(cat.is_error, FALSE) AS is_error, cat.level,
           COALESCE(cat.is_wait_step, FALSE) AS is_wait_step, COALESCE(cat.loopable, FALSE) AS loopable,
           COALESCE(cat.is_waiting_state, FALSE) AS is_waiting_state,
           COALESCE(cat.is_positive_outcome, FALSE) AS is_positive_outcome,
           COALESCE(cat.is_negative_outcome, FALSE) AS is_negative_outcome
    FROM unioned u
    LEFT JOIN cat ON u.event = cat.event
),
-- one window sort: seq, the next row's time and step, and the stage of the latest staged event at or before the row (the row's
-- own stage when there is none); the order (ts, kind, input order) is total, so ROWS frames are exact
ordered AS (
    SELECT s.*,
           ROW_NUMBER() OVER w AS seq,
           LEAD(s.ts_s) OVER w AS next_s, LEAD(s.event) OVER w AS next_event,
           LAST_VALUE(CASE WHEN s.kind = 'event' THEN s.stage END IGNORE NULLS)
               OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS ctx_stage
    FROM staged s
    WINDOW w AS (PARTITION BY s.journey_id ORDER BY s.ts_s ASC NULLS LAST, s.kind_rank, s.src_order)
)
SELECT c.journey_id, c.customer_id, c.ts, c.ts_s, c.seq, c.kind, c.event, c.channel, c.contact_id,
       c.intent, c.sentiment, c.topic_label, c.stage, c.sentiment_score, c.sentiment_end, c.closed_s,
       c.properties, c.actor, c.lifecycle, c.is_error, c.level, c.is_wait_step, c.loopable, c.is_waiting_state, c.is_positive_outcome,
       c.is_negative_outcome, c.src_order, c.next_s, c.next_event,
       COALESCE(c.ctx_stage, c.stage) AS context_stage
FROM ordered c
