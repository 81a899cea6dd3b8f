"""SQLite text of the shipped plans. GENERATED: do not edit.

Written by ``python -m icrm_cli.domain.plan_catalog`` from the statement builders;
``tests/test_plans.py`` checks it is current.
"""

from icrm_cli.storage.plans import Compiled

PLANS: dict[str, Compiled] = {
    'icrm_cli.domain.org.statements:any_department()': Compiled(
        sql='SELECT department.code \nFROM department\n LIMIT :param_1 OFFSET :param_2',
        constants={'param_1': 1, 'param_2': 0},
        kinds=(None,),
    ),
    'icrm_cli.domain.org.statements:department_code()': Compiled(
        sql='SELECT department.code \nFROM department \nWHERE upper(department.code) = upper(:code) ORDER BY department.code = :code DESC, department.code\n LIMIT :param_1 OFFSET :param_2',
        constants={'param_1': 1, 'param_2': 0},
        kinds=(None,),
    ),
    'icrm_cli.domain.org.statements:departments()': Compiled(
        sql='SELECT department.code, department.name, department.active \nFROM department ORDER BY department.position, department.code',
        kinds=(None, None, 'bool'),
    ),
    'icrm_cli.domain.org.statements:person_id()': Compiled(
        sql='SELECT person.id \nFROM person \nWHERE person.id = :person',
        kinds=(None,),
    ),
    'icrm_cli.domain.org.statements:settings()': Compiled(
        sql='SELECT setting."key", setting.value \nFROM setting',
        kinds=(None, 'json'),
    ),
    'icrm_cli.domain.report.statements:complaints(2,)': Compiled(
        sql='SELECT 0 AS week, feedback.to_dept, count(*) AS count_1 \nFROM feedback \nWHERE feedback.kind = :kind_1 AND feedback.created_at < :w0_end AND feedback.status = :status_1 AND feedback.closed_at IS NULL GROUP BY feedback.to_dept UNION ALL SELECT 0 AS week, feedback.to_dept, count(*) AS count_2 \nFROM feedback \nWHERE feedback.kind = :kind_1 AND feedback.created_at < :w0_end AND feedback.status = :status_2 AND feedback.closed_at >= :w0_end AND feedback.closed_at < :closed_at_1 GROUP BY feedback.to_dept UNION ALL SELECT 1 AS week, feedback.to_dept, count(*) AS count_3 \nFROM feedback \nWHERE feedback.kind = :kind_2 AND feedback.created_at < :w1_end AND feedback.status = :status_3 AND feedback.closed_at IS NULL GROUP BY feedback.to_dept UNION ALL SELECT 1 AS week, feedback.to_dept, count(*) AS count_4 \nFROM feedback \nWHERE feedback.kind = :kind_2 AND feedback.created_at < :w1_end AND feedback.status = :status_4 AND feedback.closed_at >= :w1_end AND feedback.closed_at < :closed_at_2 GROUP BY feedback.to_dept',
        constants={'kind_1': 'complaint', 'status_1': 'open', 'status_2': 'closed', 'closed_at_1': '9999-01-01 00:00:00.000000', 'kind_2': 'complaint', 'status_3': 'open', 'status_4': 'closed', 'closed_at_2': '9999-01-01 00:00:00.000000'},
        kinds=(None, None, None),
    ),
    'icrm_cli.domain.report.statements:created(2,)': Compiled(
        sql='SELECT CASE WHEN (request.created_at < :w0_end) THEN :param_1 ELSE :param_2 END AS week, request.from_dept, request.to_dept, count(*) AS count_1 \nFROM request \nWHERE request.created_at >= :w0_start AND request.created_at < :w1_end GROUP BY CASE WHEN (request.created_at < :w0_end) THEN :param_1 ELSE :param_2 END, request.from_dept, request.to_dept',
        constants={'param_1': 0, 'param_2': 1},
        kinds=(None, None, None, None),
    ),
    'icrm_cli.domain.report.statements:escalations(2,)': Compiled(
        sql='SELECT 0 AS week, anon_1.dept_b, count(*) AS count_1, max(anon_1.level) AS max_1 \nFROM (SELECT escalation.dept_b AS dept_b, CASE WHEN (escalation.raised_at IS NULL OR escalation.raised_at < :w0_end) THEN escalation.level ELSE coalesce((SELECT max(CAST(JSON_EXTRACT(event.detail, :detail_1) AS INTEGER)) AS max_2 \nFROM event \nWHERE event.entity = :entity_1 AND event.entity_id = escalation.id AND event.at < :w0_end), :coalesce_1) END AS level \nFROM escalation \nWHERE escalation.opened_at >= :w0_start AND escalation.opened_at < :w0_end) AS anon_1 GROUP BY anon_1.dept_b UNION ALL SELECT 1 AS week, anon_2.dept_b, count(*) AS count_2, max(anon_2.level) AS max_3 \nFROM (SELECT escalation.dept_b AS dept_b, CASE WHEN (escalation.raised_at IS NULL OR escalation.raised_at < :w1_end) THEN escalation.level ELSE coalesce((SELECT max(CAST(JSON_EXTRACT(event.detail, :detail_2) AS INTEGER)) AS max_4 \nFROM event \nWHERE event.entity = :entity_2 AND event.entity_id = escalation.id AND event.at < :w1_end), :coalesce_2) END AS level \nFROM escalation \nWHERE escalation.opened_at >= :w1_start AND escalation.opened_at < :w1_end) AS anon_2 GROUP BY anon_2.dept_b',
        constants={'detail_1': '$."level"', 'entity_1': 'escalation', 'coalesce_1': 1, 'detail_2': '$."level"', 'entity_2': 'escalation', 'coalesce_2': 1},
        kinds=(None, None, None, None),
    ),
    'icrm_cli.domain.report.statements:kicked_balls(False,)': Compiled(
        sql='SELECT anon_1.id, anon_1.title, anon_1.from_dept, anon_1.to_dept, anon_1.owner, anon_1.priority, anon_1.status, anon_1.transfers, anon_1.created_at, anon_1.due_at \nFROM (SELECT request.id AS id, request.title AS title, request.from_dept AS from_dept, request.to_dept AS to_dept, request.owner AS owner, request.priority AS priority, request.status AS status, request.transfers AS transfers, request.created_at AS created_at, request.due_at AS due_at \nFROM request \nWHERE request.resolved_at IS NULL AND request.closed_at IS NULL AND request.created_at < :w0_end AND request.transfers > :transfers_1 UNION ALL SELECT request.id AS id, request.title AS title, request.from_dept AS from_dept, request.to_dept AS to_dept, request.owner AS owner, request.priority AS priority, request.status AS status, request.transfers AS transfers, request.created_at AS created_at, request.due_at AS due_at \nFROM request \nWHERE request.resolved_at IS NULL AND request.closed_at >= :w0_end AND request.closed_at < :closed_at_1 AND request.created_at < :w0_end AND request.transfers > :transfers_2 UNION ALL SELECT request.id AS id, request.title AS title, request.from_dept AS from_dept, request.to_dept AS to_dept, request.owner AS owner, request.priority AS priority, request.status AS status, request.transfers AS transfers, request.created_at AS created_at, request.due_at AS due_at \nFROM request \nWHERE request.resolved_at >= :w0_end AND request.resolved_at < :resolved_at_1 AND request.created_at < :w0_end AND request.transfers > :transfers_3) AS anon_1 ORDER BY anon_1.transfers DESC, anon_1.id\n LIMIT :param_1 OFFSET :param_2',
        constants={'transfers_1': 0, 'closed_at_1': '9999-01-01 00:00:00.000000', 'transfers_2': 0, 'resolved_at_1': '9999-01-01 00:00:00.000000', 'transfers_3': 0, 'param_1': 10, 'param_2': 0},
        kinds=(None, None, None, None, None, None, None, None, 'time', 'time'),
    ),
    'icrm_cli.domain.report.statements:kicked_balls(True,)': Compiled(
        sql='SELECT anon_1.id, anon_1.title, anon_1.from_dept, anon_1.to_dept, anon_1.owner, anon_1.priority, anon_1.status, anon_1.transfers, anon_1.created_at, anon_1.due_at \nFROM (SELECT request.id AS id, request.title AS title, request.from_dept AS from_dept, request.to_dept AS to_dept, request.owner AS owner, request.priority AS priority, request.status AS status, request.transfers AS transfers, request.created_at AS created_at, request.due_at AS due_at \nFROM request \nWHERE request.resolved_at IS NULL AND request.closed_at IS NULL AND request.created_at < :w0_end AND request.transfers > :transfers_1 AND (request.from_dept = :dept OR request.to_dept = :dept) UNION ALL SELECT request.id AS id, request.title AS title, request.from_dept AS from_dept, request.to_dept AS to_dept, request.owner AS owner, request.priority AS priority, request.status AS status, request.transfers AS transfers, request.created_at AS created_at, request.due_at AS due_at \nFROM request \nWHERE request.resolved_at IS NULL AND request.closed_at >= :w0_end AND request.closed_at < :closed_at_1 AND request.created_at < :w0_end AND request.transfers > :transfers_2 AND (request.from_dept = :dept OR request.to_dept = :dept) UNION ALL SELECT request.id AS id, request.title AS title, request.from_dept AS from_dept, request.to_dept AS to_dept, request.owner AS owner, request.priority AS priority, request.status AS status, request.transfers AS transfers, request.created_at AS created_at, request.due_at AS due_at \nFROM request \nWHERE request.resolved_at >= :w0_end AND request.resolved_at < :resolved_at_1 AND request.created_at < :w0_end AND request.transfers > :transfers_3 AND (request.from_dept = :dept OR request.to_dept = :dept)) AS anon_1 ORDER BY anon_1.transfers DESC, anon_1.id\n LIMIT :param_1 OFFSET :param_2',
        constants={'transfers_1': 0, 'closed_at_1': '9999-01-01 00:00:00.000000', 'transfers_2': 0, 'resolved_at_1': '9999-01-01 00:00:00.000000', 'transfers_3': 0, 'param_1': 10, 'param_2': 0},
        kinds=(None, None, None, None, None, None, None, None, 'time', 'time'),
    ),
    'icrm_cli.domain.report.statements:meeting_actions()': Compiled(
        sql='SELECT request.meeting_id, count(*) AS count_1, coalesce(sum(CASE WHEN (request.closed_at IS NULL OR request.closed_at >= :w0_end) THEN :param_1 ELSE :param_2 END), :coalesce_2) AS coalesce_1 \nFROM request \nWHERE request.meeting_id IN (__[POSTCOMPILE_ids]) AND request.created_at < :w0_end GROUP BY request.meeting_id',
        constants={'param_1': 1, 'param_2': 0, 'coalesce_2': 0},
        kinds=(None, None, None),
    ),
    'icrm_cli.domain.report.statements:meeting_departments()': Compiled(
        sql='SELECT meeting_department.meeting_id, meeting_department.dept \nFROM meeting_department \nWHERE meeting_department.meeting_id IN (__[POSTCOMPILE_ids]) ORDER BY meeting_department.meeting_id, meeting_department.dept',
        kinds=(None, None),
    ),
    'icrm_cli.domain.report.statements:meetings(False,)': Compiled(
        sql='SELECT meeting.id, meeting.title, meeting.series, meeting.starts_at, meeting.status, meeting.organizer \nFROM meeting \nWHERE meeting.starts_at >= :w0_start AND meeting.starts_at < :w0_end AND meeting.status != :status_1 ORDER BY meeting.starts_at, meeting.id',
        constants={'status_1': 'cancelled'},
        kinds=(None, None, None, 'time', None, None),
    ),
    'icrm_cli.domain.report.statements:meetings(True,)': Compiled(
        sql='SELECT meeting.id, meeting.title, meeting.series, meeting.starts_at, meeting.status, meeting.organizer \nFROM meeting \nWHERE meeting.starts_at >= :w0_start AND meeting.starts_at < :w0_end AND meeting.status != :status_1 AND meeting.id IN (SELECT meeting_department.meeting_id \nFROM meeting_department \nWHERE meeting_department.dept = :dept) ORDER BY meeting.starts_at, meeting.id',
        constants={'status_1': 'cancelled'},
        kinds=(None, None, None, 'time', None, None),
    ),
    'icrm_cli.domain.report.statements:open_at_end(2,)': Compiled(
        sql='SELECT 0 AS week, request.to_dept, request.from_dept, count(*) AS open, coalesce(sum(CASE WHEN (request.due_at < :w0_end AND (request.waiting_since IS NULL OR request.waiting_since >= :w0_end)) THEN :param_1 ELSE :param_2 END), :coalesce_1) AS overdue, coalesce(sum(CASE WHEN (request.waiting_since IS NOT NULL AND request.waiting_since < :w0_end) THEN :param_3 ELSE :param_4 END), :coalesce_2) AS waiting \nFROM request \nWHERE request.resolved_at IS NULL AND request.closed_at IS NULL AND request.created_at < :w0_end GROUP BY request.to_dept, request.from_dept UNION ALL SELECT 0 AS week, request.to_dept, request.from_dept, count(*) AS open, coalesce(sum(CASE WHEN (request.due_at < :w0_end AND (request.waiting_since IS NULL OR request.waiting_since >= :w0_end)) THEN :param_5 ELSE :param_6 END), :coalesce_3) AS overdue, coalesce(sum(CASE WHEN (request.waiting_since IS NOT NULL AND request.waiting_since < :w0_end) THEN :param_7 ELSE :param_8 END), :coalesce_4) AS waiting \nFROM request \nWHERE request.resolved_at IS NULL AND request.closed_at >= :w0_end AND request.closed_at < :closed_at_1 AND request.created_at < :w0_end GROUP BY request.to_dept, request.from_dept UNION ALL SELECT 0 AS week, request.to_dept, request.from_dept, count(*) AS open, coalesce(sum(CASE WHEN (request.due_at < :w0_end AND (request.waiting_since IS NULL OR request.waiting_since >= :w0_end)) THEN :param_9 ELSE :param_10 END), :coalesce_5) AS overdue, coalesce(sum(CASE WHEN (request.waiting_since IS NOT NULL AND request.waiting_since < :w0_end) THEN :param_11 ELSE :param_12 END), :coalesce_6) AS waiting \nFROM request \nWHERE request.resolved_at >= :w0_end AND request.resolved_at < :resolved_at_1 AND request.created_at < :w0_end GROUP BY request.to_dept, request.from_dept UNION ALL SELECT 1 AS week, request.to_dept, request.from_dept, count(*) AS open, coalesce(sum(CASE WHEN (request.due_at < :w1_end AND (request.waiting_since IS NULL OR request.waiting_since >= :w1_end)) THEN :param_13 ELSE :param_14 END), :coalesce_7) AS overdue, coalesce(sum(CASE WHEN (request.waiting_since IS NOT NULL AND request.waiting_since < :w1_end) THEN :param_15 ELSE :param_16 END), :coalesce_8) AS waiting \nFROM request \nWHERE request.resolved_at IS NULL AND request.closed_at IS NULL AND request.created_at < :w1_end GROUP BY request.to_dept, request.from_dept UNION ALL SELECT 1 AS week, request.to_dept, request.from_dept, count(*) AS open, coalesce(sum(CASE WHEN (request.due_at < :w1_end AND (request.waiting_since IS NULL OR request.waiting_since >= :w1_end)) THEN :param_17 ELSE :param_18 END), :coalesce_9) AS overdue, coalesce(sum(CASE WHEN (request.waiting_since IS NOT NULL AND request.waiting_since < :w1_end) THEN :param_19 ELSE :param_20 END), :coalesce_10) AS waiting \nFROM request \nWHERE request.resolved_at IS NULL AND request.closed_at >= :w1_end AND request.closed_at < :closed_at_2 AND request.created_at < :w1_end GROUP BY request.to_dept, request.from_dept UNION ALL SELECT 1 AS week, request.to_dept, request.from_dept, count(*) AS open, coalesce(sum(CASE WHEN (request.due_at < :w1_end AND (request.waiting_since IS NULL OR request.waiting_since >= :w1_end)) THEN :param_21 ELSE :param_22 END), :coalesce_11) AS overdue, coalesce(sum(CASE WHEN (request.waiting_since IS NOT NULL AND request.waiting_since < :w1_end) THEN :param_23 ELSE :param_24 END), :coalesce_12) AS waiting \nFROM request \nWHERE request.resolved_at >= :w1_end AND request.resolved_at < :resolved_at_2 AND request.created_at < :w1_end GROUP BY request.to_dept, request.from_dept',
        constants={'param_1': 1, 'param_2': 0, 'coalesce_1': 0, 'param_3': 1, 'param_4': 0, 'coalesce_2': 0, 'param_5': 1, 'param_6': 0, 'coalesce_3': 0, 'param_7': 1, 'param_8': 0, 'coalesce_4': 0, 'closed_at_1': '9999-01-01 00:00:00.000000', 'param_9': 1, 'param_10': 0, 'coalesce_5': 0, 'param_11': 1, 'param_12': 0, 'coalesce_6': 0, 'resolved_at_1': '9999-01-01 00:00:00.000000', 'param_13': 1, 'param_14': 0, 'coalesce_7': 0, 'param_15': 1, 'param_16': 0, 'coalesce_8': 0, 'param_17': 1, 'param_18': 0, 'coalesce_9': 0, 'param_19': 1, 'param_20': 0, 'coalesce_10': 0, 'closed_at_2': '9999-01-01 00:00:00.000000', 'param_21': 1, 'param_22': 0, 'coalesce_11': 0, 'param_23': 1, 'param_24': 0, 'coalesce_12': 0, 'resolved_at_2': '9999-01-01 00:00:00.000000'},
        kinds=(None, None, None, None, None, None),
    ),
    'icrm_cli.domain.report.statements:request_events(2,)': Compiled(
        sql='SELECT 0 AS kind, CASE WHEN (event.at < :w0_end) THEN :param_1 ELSE :param_2 END AS week, CAST(JSON_EXTRACT(event.detail, :detail_1) AS VARCHAR) AS dept, count(*) AS events \nFROM event \nWHERE event.kind = :kind_1 AND event.entity = :entity_1 AND event.at >= :w0_start AND event.at < :w1_end GROUP BY CASE WHEN (event.at < :w0_end) THEN :param_1 ELSE :param_2 END, CAST(JSON_EXTRACT(event.detail, :detail_1) AS VARCHAR) UNION ALL SELECT 1 AS kind, CASE WHEN (event.at < :w0_end) THEN :param_1 ELSE :param_2 END AS week, request.to_dept AS dept, count(*) AS count_1 \nFROM event JOIN request ON request.id = event.entity_id \nWHERE event.kind = :kind_2 AND event.entity = :entity_1 AND event.at >= :w0_start AND event.at < :w1_end GROUP BY CASE WHEN (event.at < :w0_end) THEN :param_1 ELSE :param_2 END, request.to_dept',
        constants={'param_1': 0, 'param_2': 1, 'detail_1': '$."from_dept"', 'kind_1': 'transferred', 'entity_1': 'request', 'kind_2': 'reopened'},
        kinds=(None, None, None, None),
    ),
    'icrm_cli.domain.report.statements:resolved(2,)': Compiled(
        sql="SELECT CASE WHEN (request.resolved_at < :w0_end) THEN :param_1 ELSE :param_2 END AS anon_1, request.to_dept, CASE WHEN (request.resolved_at <= request.due_at) THEN :param_3 ELSE :param_4 END AS anon_2, (CAST(STRFTIME('%s', request.resolved_at) AS INTEGER) - CAST(STRFTIME('%s', request.created_at) AS INTEGER)) - coalesce(request.paused_seconds, :coalesce_1) AS anon_3, CAST(STRFTIME('%s', request.acknowledged_at) AS INTEGER) - CAST(STRFTIME('%s', request.created_at) AS INTEGER) AS anon_4 \nFROM request \nWHERE request.resolved_at >= :w0_start AND request.resolved_at < :w1_end",
        constants={'param_1': 0, 'param_2': 1, 'param_3': 1, 'param_4': 0, 'coalesce_1': 0},
        kinds=(None, None, None, None, None),
    ),
    'icrm_cli.domain.report.statements:satisfaction(2,)': Compiled(
        sql='SELECT CASE WHEN (feedback.created_at < :w0_end) THEN :param_1 ELSE :param_2 END AS week, feedback.to_dept, coalesce(sum(feedback.score), :coalesce_2) AS coalesce_1, count(feedback.score) AS count_1 \nFROM feedback \nWHERE feedback.created_at >= :w0_start AND feedback.created_at < :w1_end AND feedback.score IS NOT NULL GROUP BY CASE WHEN (feedback.created_at < :w0_end) THEN :param_1 ELSE :param_2 END, feedback.to_dept',
        constants={'param_1': 0, 'param_2': 1, 'coalesce_2': 0},
        kinds=(None, None, None, None),
    ),
    'icrm_cli.domain.report.statements:satisfaction_trend(8, False)': Compiled(
        sql='SELECT CASE WHEN (feedback.created_at < :w0_end) THEN :param_1 WHEN (feedback.created_at < :w1_end) THEN :param_2 WHEN (feedback.created_at < :w2_end) THEN :param_3 WHEN (feedback.created_at < :w3_end) THEN :param_4 WHEN (feedback.created_at < :w4_end) THEN :param_5 WHEN (feedback.created_at < :w5_end) THEN :param_6 WHEN (feedback.created_at < :w6_end) THEN :param_7 WHEN (feedback.created_at < :w7_end) THEN :param_8 ELSE :param_9 END AS bucket, coalesce(sum(feedback.score), :coalesce_2) AS coalesce_1, count(feedback.score) AS count_1 \nFROM feedback \nWHERE feedback.created_at >= :w0_start AND feedback.created_at < :w7_end AND feedback.score IS NOT NULL GROUP BY CASE WHEN (feedback.created_at < :w0_end) THEN :param_1 WHEN (feedback.created_at < :w1_end) THEN :param_2 WHEN (feedback.created_at < :w2_end) THEN :param_3 WHEN (feedback.created_at < :w3_end) THEN :param_4 WHEN (feedback.created_at < :w4_end) THEN :param_5 WHEN (feedback.created_at < :w5_end) THEN :param_6 WHEN (feedback.created_at < :w6_end) THEN :param_7 WHEN (feedback.created_at < :w7_end) THEN :param_8 ELSE :param_9 END',
        constants={'param_1': 0, 'param_2': 1, 'param_3': 2, 'param_4': 3, 'param_5': 4, 'param_6': 5, 'param_7': 6, 'param_8': 7, 'param_9': -1, 'coalesce_2': 0},
        kinds=(None, None, None),
    ),
    'icrm_cli.domain.report.statements:satisfaction_trend(8, True)': Compiled(
        sql='SELECT CASE WHEN (feedback.created_at < :w0_end) THEN :param_1 WHEN (feedback.created_at < :w1_end) THEN :param_2 WHEN (feedback.created_at < :w2_end) THEN :param_3 WHEN (feedback.created_at < :w3_end) THEN :param_4 WHEN (feedback.created_at < :w4_end) THEN :param_5 WHEN (feedback.created_at < :w5_end) THEN :param_6 WHEN (feedback.created_at < :w6_end) THEN :param_7 WHEN (feedback.created_at < :w7_end) THEN :param_8 ELSE :param_9 END AS bucket, coalesce(sum(feedback.score), :coalesce_2) AS coalesce_1, count(feedback.score) AS count_1 \nFROM feedback \nWHERE feedback.created_at >= :w0_start AND feedback.created_at < :w7_end AND feedback.score IS NOT NULL AND feedback.to_dept = :dept GROUP BY CASE WHEN (feedback.created_at < :w0_end) THEN :param_1 WHEN (feedback.created_at < :w1_end) THEN :param_2 WHEN (feedback.created_at < :w2_end) THEN :param_3 WHEN (feedback.created_at < :w3_end) THEN :param_4 WHEN (feedback.created_at < :w4_end) THEN :param_5 WHEN (feedback.created_at < :w5_end) THEN :param_6 WHEN (feedback.created_at < :w6_end) THEN :param_7 WHEN (feedback.created_at < :w7_end) THEN :param_8 ELSE :param_9 END',
        constants={'param_1': 0, 'param_2': 1, 'param_3': 2, 'param_4': 3, 'param_5': 4, 'param_6': 5, 'param_7': 6, 'param_8': 7, 'param_9': -1, 'coalesce_2': 0},
        kinds=(None, None, None),
    ),
    'icrm_cli.domain.report.statements:weekly_volume(6, False)': Compiled(
        sql='SELECT 0 AS week, count(*) AS received, 0, 0 \nFROM request \nWHERE request.created_at >= :w0_start AND request.created_at < :w0_end UNION ALL SELECT 0, 0, count(*) AS count_1, coalesce(sum(CASE WHEN (request.resolved_at <= request.due_at) THEN :param_1 ELSE :param_2 END), :coalesce_2) AS coalesce_1 \nFROM request \nWHERE request.resolved_at >= :w0_start AND request.resolved_at < :w0_end UNION ALL SELECT 1 AS week, count(*) AS received, 0, 0 \nFROM request \nWHERE request.created_at >= :w1_start AND request.created_at < :w1_end UNION ALL SELECT 1, 0, count(*) AS count_2, coalesce(sum(CASE WHEN (request.resolved_at <= request.due_at) THEN :param_3 ELSE :param_4 END), :coalesce_4) AS coalesce_3 \nFROM request \nWHERE request.resolved_at >= :w1_start AND request.resolved_at < :w1_end UNION ALL SELECT 2 AS week, count(*) AS received, 0, 0 \nFROM request \nWHERE request.created_at >= :w2_start AND request.created_at < :w2_end UNION ALL SELECT 2, 0, count(*) AS count_3, coalesce(sum(CASE WHEN (request.resolved_at <= request.due_at) THEN :param_5 ELSE :param_6 END), :coalesce_6) AS coalesce_5 \nFROM request \nWHERE request.resolved_at >= :w2_start AND request.resolved_at < :w2_end UNION ALL SELECT 3 AS week, count(*) AS received, 0, 0 \nFROM request \nWHERE request.created_at >= :w3_start AND request.created_at < :w3_end UNION ALL SELECT 3, 0, count(*) AS count_4, coalesce(sum(CASE WHEN (request.resolved_at <= request.due_at) THEN :param_7 ELSE :param_8 END), :coalesce_8) AS coalesce_7 \nFROM request \nWHERE request.resolved_at >= :w3_start AND request.resolved_at < :w3_end UNION ALL SELECT 4 AS week, count(*) AS received, 0, 0 \nFROM request \nWHERE request.created_at >= :w4_start AND request.created_at < :w4_end UNION ALL SELECT 4, 0, count(*) AS count_5, coalesce(sum(CASE WHEN (request.resolved_at <= request.due_at) THEN :param_9 ELSE :param_10 END), :coalesce_10) AS coalesce_9 \nFROM request \nWHERE request.resolved_at >= :w4_start AND request.resolved_at < :w4_end UNION ALL SELECT 5 AS week, count(*) AS received, 0, 0 \nFROM request \nWHERE request.created_at >= :w5_start AND request.created_at < :w5_end UNION ALL SELECT 5, 0, count(*) AS count_6, coalesce(sum(CASE WHEN (request.resolved_at <= request.due_at) THEN :param_11 ELSE :param_12 END), :coalesce_12) AS coalesce_11 \nFROM request \nWHERE request.resolved_at >= :w5_start AND request.resolved_at < :w5_end',
        constants={'param_1': 1, 'param_2': 0, 'coalesce_2': 0, 'param_3': 1, 'param_4': 0, 'coalesce_4': 0, 'param_5': 1, 'param_6': 0, 'coalesce_6': 0, 'param_7': 1, 'param_8': 0, 'coalesce_8': 0, 'param_9': 1, 'param_10': 0, 'coalesce_10': 0, 'param_11': 1, 'param_12': 0, 'coalesce_12': 0},
        kinds=(None, None, None, None),
    ),
    'icrm_cli.domain.report.statements:weekly_volume(6, True)': Compiled(
        sql='SELECT 0 AS week, count(*) AS received, 0, 0 \nFROM request \nWHERE request.created_at >= :w0_start AND request.created_at < :w0_end AND request.to_dept = :dept UNION ALL SELECT 0, 0, count(*) AS count_1, coalesce(sum(CASE WHEN (request.resolved_at <= request.due_at) THEN :param_1 ELSE :param_2 END), :coalesce_2) AS coalesce_1 \nFROM request \nWHERE request.resolved_at >= :w0_start AND request.resolved_at < :w0_end AND request.to_dept = :dept UNION ALL SELECT 1 AS week, count(*) AS received, 0, 0 \nFROM request \nWHERE request.created_at >= :w1_start AND request.created_at < :w1_end AND request.to_dept = :dept UNION ALL SELECT 1, 0, count(*) AS count_2, coalesce(sum(CASE WHEN (request.resolved_at <= request.due_at) THEN :param_3 ELSE :param_4 END), :coalesce_4) AS coalesce_3 \nFROM request \nWHERE request.resolved_at >= :w1_start AND request.resolved_at < :w1_end AND request.to_dept = :dept UNION ALL SELECT 2 AS week, count(*) AS received, 0, 0 \nFROM request \nWHERE request.created_at >= :w2_start AND request.created_at < :w2_end AND request.to_dept = :dept UNION ALL SELECT 2, 0, count(*) AS count_3, coalesce(sum(CASE WHEN (request.resolved_at <= request.due_at) THEN :param_5 ELSE :param_6 END), :coalesce_6) AS coalesce_5 \nFROM request \nWHERE request.resolved_at >= :w2_start AND request.resolved_at < :w2_end AND request.to_dept = :dept UNION ALL SELECT 3 AS week, count(*) AS received, 0, 0 \nFROM request \nWHERE request.created_at >= :w3_start AND request.created_at < :w3_end AND request.to_dept = :dept UNION ALL SELECT 3, 0, count(*) AS count_4, coalesce(sum(CASE WHEN (request.resolved_at <= request.due_at) THEN :param_7 ELSE :param_8 END), :coalesce_8) AS coalesce_7 \nFROM request \nWHERE request.resolved_at >= :w3_start AND request.resolved_at < :w3_end AND request.to_dept = :dept UNION ALL SELECT 4 AS week, count(*) AS received, 0, 0 \nFROM request \nWHERE request.created_at >= :w4_start AND request.created_at < :w4_end AND request.to_dept = :dept UNION ALL SELECT 4, 0, count(*) AS count_5, coalesce(sum(CASE WHEN (request.resolved_at <= request.due_at) THEN :param_9 ELSE :param_10 END), :coalesce_10) AS coalesce_9 \nFROM request \nWHERE request.resolved_at >= :w4_start AND request.resolved_at < :w4_end AND request.to_dept = :dept UNION ALL SELECT 5 AS week, count(*) AS received, 0, 0 \nFROM request \nWHERE request.created_at >= :w5_start AND request.created_at < :w5_end AND request.to_dept = :dept UNION ALL SELECT 5, 0, count(*) AS count_6, coalesce(sum(CASE WHEN (request.resolved_at <= request.due_at) THEN :param_11 ELSE :param_12 END), :coalesce_12) AS coalesce_11 \nFROM request \nWHERE request.resolved_at >= :w5_start AND request.resolved_at < :w5_end AND request.to_dept = :dept',
        constants={'param_1': 1, 'param_2': 0, 'coalesce_2': 0, 'param_3': 1, 'param_4': 0, 'coalesce_4': 0, 'param_5': 1, 'param_6': 0, 'coalesce_6': 0, 'param_7': 1, 'param_8': 0, 'coalesce_8': 0, 'param_9': 1, 'param_10': 0, 'coalesce_10': 0, 'param_11': 1, 'param_12': 0, 'coalesce_12': 0},
        kinds=(None, None, None, None),
    ),
    'icrm_cli.domain.requests.statements:active()': Compiled(
        sql='request.status IN (__[POSTCOMPILE_active_active])',
        constants={'active_active': ['open', 'acknowledged', 'in_progress', 'waiting', 'resolved']},
    ),
    "icrm_cli.domain.requests.statements:columns('raw', ('id', 'title', 'description', 'from_dept', 'to_dept', 'requester', 'owner', 'priority', 'status', 'created_at', 'acknowledged_at', 'resolved_at', 'closed_at', 'due_at', 'overdue', 'transfers', 'reopened', 'meeting_id', 'paused_seconds', 'waiting_since'))": Compiled(
        sql='SELECT request.id AS id, request.title AS title, request.description AS description, request.from_dept AS from_dept, request.to_dept AS to_dept, request.requester AS requester, request.owner AS owner, request.priority AS priority, request.status AS status, request.created_at AS created_at, request.acknowledged_at AS acknowledged_at, request.resolved_at AS resolved_at, request.closed_at AS closed_at, request.due_at AS due_at, CASE WHEN (request.status IN (__[POSTCOMPILE_status_1]) AND request.due_at < :now) THEN :param_1 ELSE :param_2 END AS overdue, request.transfers AS transfers, request.reopened AS reopened, request.meeting_id AS meeting_id, request.paused_seconds AS paused_seconds, request.waiting_since AS waiting_since \nFROM request',
        constants={'status_1': ['acknowledged', 'in_progress', 'open'], 'param_1': 1, 'param_2': 0},
        kinds=(None, None, None, None, None, None, None, None, None, None, None, None, None, None, None, None, None, None, None, None),
    ),
    "icrm_cli.domain.requests.statements:columns('raw', ('id', 'title', 'description', 'from_dept', 'to_dept', 'requester', 'owner', 'priority', 'status', 'created_at', 'acknowledged_at', 'resolved_at', 'closed_at', 'due_at', 'overdue', 'transfers', 'reopened', 'meeting_id', 'updated_at'))": Compiled(
        sql='SELECT request.id AS id, request.title AS title, request.description AS description, request.from_dept AS from_dept, request.to_dept AS to_dept, request.requester AS requester, request.owner AS owner, request.priority AS priority, request.status AS status, request.created_at AS created_at, request.acknowledged_at AS acknowledged_at, request.resolved_at AS resolved_at, request.closed_at AS closed_at, request.due_at AS due_at, CASE WHEN (request.status IN (__[POSTCOMPILE_status_1]) AND request.due_at < :now) THEN :param_1 ELSE :param_2 END AS overdue, request.transfers AS transfers, request.reopened AS reopened, request.meeting_id AS meeting_id, coalesce((SELECT max(event.at) AS max_1 \nFROM event \nWHERE event.entity = :entity AND event.entity_id = request.id), request.created_at) AS updated_at \nFROM request',
        constants={'status_1': ['acknowledged', 'in_progress', 'open'], 'param_1': 1, 'param_2': 0, 'entity': 'request'},
        kinds=(None, None, None, None, None, None, None, None, None, None, None, None, None, None, None, None, None, None, None),
    ),
    "icrm_cli.domain.requests.statements:columns('typed', ('id', 'title', 'description', 'from_dept', 'to_dept', 'requester', 'owner', 'priority', 'status', 'created_at', 'acknowledged_at', 'resolved_at', 'closed_at', 'due_at', 'transfers', 'reopened', 'meeting_id', 'updated_at'))": Compiled(
        sql='SELECT request.id AS id, request.title AS title, request.description AS description, request.from_dept AS from_dept, request.to_dept AS to_dept, request.requester AS requester, request.owner AS owner, request.priority AS priority, request.status AS status, request.created_at AS created_at, request.acknowledged_at AS acknowledged_at, request.resolved_at AS resolved_at, request.closed_at AS closed_at, request.due_at AS due_at, request.transfers AS transfers, request.reopened AS reopened, request.meeting_id AS meeting_id, coalesce((SELECT max(event.at) AS max_1 \nFROM event \nWHERE event.entity = :entity AND event.entity_id = request.id), request.created_at) AS updated_at \nFROM request',
        constants={'entity': 'request'},
        kinds=(None, None, None, None, None, None, None, None, None, 'time', 'time', 'time', 'time', 'time', None, None, None, 'time'),
    ),
    "icrm_cli.domain.requests.statements:columns('utf8', ('id', 'title', 'description', 'from_dept', 'to_dept', 'requester', 'owner', 'priority', 'status', 'created_at', 'acknowledged_at', 'resolved_at', 'closed_at', 'due_at', 'overdue', 'transfers', 'reopened', 'meeting_id', 'paused_seconds', 'waiting_since'))": Compiled(
        sql='SELECT CAST(request.id AS BLOB) AS id, CAST(request.title AS BLOB) AS title, CAST(request.description AS BLOB) AS description, CAST(request.from_dept AS BLOB) AS from_dept, CAST(request.to_dept AS BLOB) AS to_dept, CAST(request.requester AS BLOB) AS requester, CAST(request.owner AS BLOB) AS owner, CAST(request.priority AS BLOB) AS priority, CAST(request.status AS BLOB) AS status, CAST(request.created_at AS BLOB) AS created_at, CAST(request.acknowledged_at AS BLOB) AS acknowledged_at, CAST(request.resolved_at AS BLOB) AS resolved_at, CAST(request.closed_at AS BLOB) AS closed_at, CAST(request.due_at AS BLOB) AS due_at, CASE WHEN (request.status IN (__[POSTCOMPILE_status_1]) AND request.due_at < :now) THEN :param_1 ELSE :param_2 END AS overdue, CAST(request.transfers AS BLOB) AS transfers, CAST(request.reopened AS BLOB) AS reopened, CAST(request.meeting_id AS BLOB) AS meeting_id, CAST(request.paused_seconds AS BLOB) AS paused_seconds, CAST(request.waiting_since AS BLOB) AS waiting_since \nFROM request',
        constants={'status_1': ['acknowledged', 'in_progress', 'open'], 'param_1': 1, 'param_2': 0},
        kinds=(None, None, None, None, None, None, None, None, None, None, None, None, None, None, None, None, None, None, None, None),
    ),
    "icrm_cli.domain.requests.statements:columns('utf8', ('id', 'title', 'description', 'from_dept', 'to_dept', 'requester', 'owner', 'priority', 'status', 'created_at', 'acknowledged_at', 'resolved_at', 'closed_at', 'due_at', 'overdue', 'transfers', 'reopened', 'meeting_id', 'updated_at'))": Compiled(
        sql='SELECT CAST(request.id AS BLOB) AS id, CAST(request.title AS BLOB) AS title, CAST(request.description AS BLOB) AS description, CAST(request.from_dept AS BLOB) AS from_dept, CAST(request.to_dept AS BLOB) AS to_dept, CAST(request.requester AS BLOB) AS requester, CAST(request.owner AS BLOB) AS owner, CAST(request.priority AS BLOB) AS priority, CAST(request.status AS BLOB) AS status, CAST(request.created_at AS BLOB) AS created_at, CAST(request.acknowledged_at AS BLOB) AS acknowledged_at, CAST(request.resolved_at AS BLOB) AS resolved_at, CAST(request.closed_at AS BLOB) AS closed_at, CAST(request.due_at AS BLOB) AS due_at, CASE WHEN (request.status IN (__[POSTCOMPILE_status_1]) AND request.due_at < :now) THEN :param_1 ELSE :param_2 END AS overdue, CAST(request.transfers AS BLOB) AS transfers, CAST(request.reopened AS BLOB) AS reopened, CAST(request.meeting_id AS BLOB) AS meeting_id, CAST(coalesce((SELECT max(event.at) AS max_1 \nFROM event \nWHERE event.entity = :entity AND event.entity_id = request.id), request.created_at) AS BLOB) AS updated_at \nFROM request',
        constants={'status_1': ['acknowledged', 'in_progress', 'open'], 'param_1': 1, 'param_2': 0, 'entity': 'request'},
        kinds=(None, None, None, None, None, None, None, None, None, None, None, None, None, None, None, None, None, None, None),
    ),
    'icrm_cli.domain.requests.statements:count()': Compiled(
        sql='SELECT count(*) AS count_1 \nFROM request',
        kinds=(None,),
    ),
    'icrm_cli.domain.requests.statements:due_within()': Compiled(
        sql='request.status IN (__[POSTCOMPILE_due_within_status_1]) AND request.due_at >= :now AND request.due_at <= :soon',
        constants={'due_within_status_1': ['acknowledged', 'in_progress', 'open']},
    ),
    'icrm_cli.domain.requests.statements:escalated()': Compiled(
        sql='request.id IN (SELECT escalation.request_id \nFROM escalation \nWHERE escalation.status = :escalated_status_1 AND escalation.request_id IS NOT NULL)',
        constants={'escalated_status_1': 'open'},
    ),
    'icrm_cli.domain.requests.statements:from_dept()': Compiled(
        sql='request.from_dept = :from_dept',
    ),
    'icrm_cli.domain.requests.statements:ids()': Compiled(
        sql='request.id IN (__[POSTCOMPILE_ids])',
    ),
    'icrm_cli.domain.requests.statements:meeting_id()': Compiled(
        sql='request.meeting_id = :meeting_id',
    ),
    'icrm_cli.domain.requests.statements:mine()': Compiled(
        sql='(request.owner = :mine OR request.requester = :mine)',
    ),
    'icrm_cli.domain.requests.statements:oldest_first()': Compiled(
        sql='request.id',
    ),
    'icrm_cli.domain.requests.statements:oldest_first_in_range()': Compiled(
        sql='request.id + 0',
    ),
    'icrm_cli.domain.requests.statements:overdue()': Compiled(
        sql='request.status IN (__[POSTCOMPILE_overdue_status_1]) AND request.due_at < :now',
        constants={'overdue_status_1': ['acknowledged', 'in_progress', 'open']},
    ),
    'icrm_cli.domain.requests.statements:owner()': Compiled(
        sql='request.owner = :owner',
    ),
    'icrm_cli.domain.requests.statements:priorities()': Compiled(
        sql='request.priority IN (__[POSTCOMPILE_priorities])',
    ),
    'icrm_cli.domain.requests.statements:search()': Compiled(
        sql='((request.title LIKE :search ESCAPE :search_escape) OR (request.description LIKE :search ESCAPE :search_escape))',
        constants={'search_escape': '\\'},
    ),
    'icrm_cli.domain.requests.statements:since()': Compiled(
        sql='request.created_at >= :since',
    ),
    "icrm_cli.domain.requests.statements:sorted_by('created', False)": Compiled(
        sql='request.created_at, request.id',
    ),
    "icrm_cli.domain.requests.statements:sorted_by('created', True)": Compiled(
        sql='request.created_at DESC, request.id DESC',
    ),
    "icrm_cli.domain.requests.statements:sorted_by('due', False)": Compiled(
        sql='request.due_at, request.id',
    ),
    "icrm_cli.domain.requests.statements:sorted_by('due', True)": Compiled(
        sql='request.due_at DESC, request.id DESC',
    ),
    "icrm_cli.domain.requests.statements:sorted_by('priority', False)": Compiled(
        sql='CASE WHEN (request.priority = :sorted_by_p_urgent) THEN :sorted_by_param_1 WHEN (request.priority = :sorted_by_p_high) THEN :sorted_by_param_2 WHEN (request.priority = :sorted_by_p_normal) THEN :sorted_by_param_3 WHEN (request.priority = :sorted_by_p_low) THEN :sorted_by_param_4 ELSE :sorted_by_param_5 END, request.id',
        constants={'sorted_by_p_urgent': 'urgent', 'sorted_by_param_1': 0, 'sorted_by_p_high': 'high', 'sorted_by_param_2': 1, 'sorted_by_p_normal': 'normal', 'sorted_by_param_3': 2, 'sorted_by_p_low': 'low', 'sorted_by_param_4': 3, 'sorted_by_param_5': 4},
    ),
    "icrm_cli.domain.requests.statements:sorted_by('priority', True)": Compiled(
        sql='CASE WHEN (request.priority = :sorted_by_p_urgent) THEN :sorted_by_param_1 WHEN (request.priority = :sorted_by_p_high) THEN :sorted_by_param_2 WHEN (request.priority = :sorted_by_p_normal) THEN :sorted_by_param_3 WHEN (request.priority = :sorted_by_p_low) THEN :sorted_by_param_4 ELSE :sorted_by_param_5 END DESC, request.id DESC',
        constants={'sorted_by_p_urgent': 'urgent', 'sorted_by_param_1': 0, 'sorted_by_p_high': 'high', 'sorted_by_param_2': 1, 'sorted_by_p_normal': 'normal', 'sorted_by_param_3': 2, 'sorted_by_p_low': 'low', 'sorted_by_param_4': 3, 'sorted_by_param_5': 4},
    ),
    "icrm_cli.domain.requests.statements:sorted_by('updated', False)": Compiled(
        sql='updated_at, request.id',
    ),
    "icrm_cli.domain.requests.statements:sorted_by('updated', True)": Compiled(
        sql='updated_at DESC, request.id DESC',
    ),
    'icrm_cli.domain.requests.statements:statuses()': Compiled(
        sql='request.status IN (__[POSTCOMPILE_statuses])',
    ),
    'icrm_cli.domain.requests.statements:to_dept()': Compiled(
        sql='request.to_dept = :to_dept',
    ),
    'icrm_cli.domain.requests.statements:until()': Compiled(
        sql='request.created_at <= :until',
    ),
}
