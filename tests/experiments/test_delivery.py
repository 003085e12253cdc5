"""The delivery experiment: counting by sequence number, and a real broker kill on the real cluster."""

import pytest

from course_lib import CourseError
from course_lib.experiments.delivery import outcomes_table, run_delivery_experiment, tally


def test_tally_counts_lost_failed_duplicated_and_unreported():
    reports = {0: None, 1: None, 2: "_MSG_TIMED_OUT", 3: None, 4: "_MSG_TIMED_OUT"}  # 5 was never reported
    stored = [0, 1, 1, 2, 5]  # 1 twice; 3 acknowledged but missing; 2 failed yet stored
    outcome = tally("demo", {"acks": "1"}, "t", sent=6, reports=reports, stored=stored)
    assert (outcome.acknowledged, outcome.failed, outcome.unreported) == (3, 2, 1)
    assert outcome.lost == (3,)
    assert outcome.duplicated == (1,)
    assert outcome.failed_but_stored == 1
    assert outcome.missing == 2  # 3 and 4
    assert outcome.stored == 5
    assert outcome.errors == {"_MSG_TIMED_OUT": 2}


def test_a_clean_stream_has_nothing_lost_or_duplicated():
    outcome = tally("clean", {}, "t", sent=3, reports={0: None, 1: None, 2: None}, stored=[0, 1, 2])
    assert not outcome.lost and not outcome.duplicated and outcome.missing == 0


@pytest.mark.parametrize("kwargs", [dict(settings={}), dict(settings={"a": {}}, kill_at=1.5),
                                    dict(settings={"a": {}}, count=3)])
def test_bad_experiment_parameters_are_course_errors(kwargs):
    with pytest.raises(CourseError):
        run_delivery_experiment(**kwargs)


def test_a_broker_kill_loses_nothing_acknowledged_with_acks_all_and_duplicates_nothing_when_idempotent(cluster):
    outcomes = run_delivery_experiment({"acks=all": {"acks": "all", "enable.idempotence": False},
                                        "idempotent": {"enable.idempotence": True}},
                                       count=300, rate=150, cluster=cluster)
    by_label = {o.label: o for o in outcomes}
    assert all(node.process.alive for node in cluster.nodes), "the victim is restarted"
    assert by_label["acks=all"].lost == ()
    idempotent = by_label["idempotent"]
    assert idempotent.duplicated == () and idempotent.lost == () and idempotent.missing == 0
    assert idempotent.acknowledged == 300
    # acks=all kept being acknowledged while one of the three replicas was dead: it waits for the ISR
    assert by_label["acks=all"].acked_while_down > 0
    assert list(outcomes_table(outcomes).index) == ["acks=all", "idempotent"]
