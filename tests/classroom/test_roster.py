"""The roster and the command line refuse bad input in one sentence, before any cluster is asked (no cluster)."""

import pytest

from course_lib.__main__ import main
from course_lib.classroom.admin import Admin
from course_lib.classroom.cleanup import namespaces
from course_lib.classroom.provision import provision
from course_lib.classroom.roster import Student, read_roster
from course_lib.errors import CourseError


def roster(tmp_path, text: str):
    path = tmp_path / "roster.csv"
    path.write_text(text)
    return path


def refusal(call) -> str:
    with pytest.raises(CourseError) as error:
        call()
    assert "\n" not in str(error.value), "one sentence"
    return str(error.value)


def test_a_good_roster_gives_names_and_optional_passwords(tmp_path):
    path = roster(tmp_path, "student,password\nalice,\n bob_2 , s3cret\ncarol-x,\n")
    assert read_roster(path) == [Student("alice"), Student("bob_2", "s3cret"), Student("carol-x")]
    assert read_roster(roster(tmp_path, "student\nalice\n"))[0].namespace == "alice."


@pytest.mark.parametrize("text, said", [
    ("student\nalice\nbob.smith\n", "line 3: the student name 'bob.smith' may hold only letters"),
    ("student\nalice\n\n", None),  # a blank line is skipped by csv, not an error
    ("student\nal ice\n", "line 2: the student name 'al ice'"),
    ("student\n,\n", "more fields than the header"),
    ("name,password\nalice,x\n", "has no 'student' column in its header line (name, password)"),
    ("student\nalice\nalice\n", "line 3: the student 'alice' is listed twice"),
    ("student\n", "lists no students"),
    ("", "has no 'student' column in its header line (empty)"),
])
def test_a_bad_roster_is_one_sentence_naming_the_row(tmp_path, text, said):
    path = roster(tmp_path, text)
    if said is None:
        assert [s.name for s in read_roster(path)] == ["alice"]
    else:
        assert said in refusal(lambda: read_roster(path))


def test_a_missing_roster_file_is_one_sentence(tmp_path):
    assert "is not a file" in refusal(lambda: read_roster(tmp_path / "nowhere.csv"))


def test_cleanup_takes_names_prefixes_or_a_whole_roster(tmp_path):
    assert namespaces(["alice", "bob."]) == ("alice.", "bob.")
    assert namespaces([], everyone=True, roster=roster(tmp_path, "student\na\nb\n")) == ("a.", "b.")
    assert "Name the students" in refusal(lambda: namespaces([]))
    assert "--roster" in refusal(lambda: namespaces([], everyone=True))
    assert "only letters" in refusal(lambda: namespaces(["a.b."]))


def test_without_an_admin_the_command_says_what_to_set(tmp_path, monkeypatch, capsys):
    for name in ("COURSE_PROFILE", "COURSE_KAFKA_BOOTSTRAP_SERVERS"):
        monkeypatch.delenv(name, raising=False)
    path = roster(tmp_path, "student\nalice\n")
    monkeypatch.setattr("sys.argv", ["course_lib", "class", "provision", str(path), "--out", str(tmp_path / "out")])
    assert main() == 1
    said = capsys.readouterr().err
    assert said.startswith("error: No admin to act as: set COURSE_PROFILE") and said.count("\n") == 1, said
    assert not (tmp_path / "out").exists()


def test_a_cluster_that_does_not_answer_is_one_sentence(tmp_path):
    nobody = Admin({"bootstrap.servers": "127.0.0.1:1"}, "the profile of test")
    said = refusal(lambda: provision(nobody, [Student("alice")], tmp_path))
    assert said.startswith("The cluster at 127.0.0.1:1 did not answer the profile of test"), said
    assert not list(tmp_path.iterdir())
