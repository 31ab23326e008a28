"""`notices digest` (issue 18): a morning mail per organisation, as .eml files or through an SMTP server (a
real one, aiosmtpd, started in the test), a valid MIME message with the right rows."""
from __future__ import annotations

import email
import shutil
import socket
from email import policy
from pathlib import Path

import pytest

from pipeline.cli import main

from .conftest import SAMPLES

IN_FORCE = "2017-06-27"  # the 2017 seed notice in force: a deadline passed (06-26), others due this week


@pytest.fixture(scope="module")
def output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    inbox = tmp_path_factory.mktemp("inbox")
    shutil.copy(SAMPLES / "001_66fe4d6b06fc550e.txt", inbox)
    out = tmp_path_factory.mktemp("out")
    assert main(["run", str(inbox), "-o", str(out), "--today", IN_FORCE]) == 0
    return out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_digest_sent_through_smtp(output: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    received: list[email.message.EmailMessage] = []

    class Keep(Message):  # type: ignore[misc]
        def handle_message(self, message: email.message.Message) -> None:
            received.append(email.message_from_bytes(message.as_bytes(), policy=policy.default))  # type: ignore[arg-type]

    recipients = tmp_path / "recipients.csv"
    recipients.write_bytes("单位,邮箱\n机关党支部,jgdzb@example.cn\n机关党委,jgdw@example.cn,sj@example.cn\n"
                           .encode("gb18030"))  # as Excel saves it on a Chinese Windows
    port = _free_port()
    server = Controller(Keep(), hostname="127.0.0.1", port=port)
    server.start()
    try:
        assert main(["digest", "-o", str(output), "--today", IN_FORCE, "--smtp", f"smtp://127.0.0.1:{port}",
                     "--from", "notices@example.cn", "--recipients", str(recipients),
                     "--base-url", "https://notices.example.cn/output"]) == 0
    finally:
        server.stop()
    assert capsys.readouterr().out.startswith(f"{len(received)} mails sent")
    mails = {str(m["To"]): m for m in received}
    branch = mails["jgdzb@example.cn"]
    assert str(branch["Subject"]).startswith("【通知事项】机关党支部 2017-06-27：逾期 1 项")
    assert branch.is_multipart() and branch.get_content_type() == "multipart/alternative"
    text = branch.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    overdue, week = text.split("本周到期")[0], text.split("本周到期")[1].split("昨日以来")[0]
    assert "2017-06-26 报送机关党委" in overdue and "2017-06-30 报送学习计划" in week
    assert "https://notices.example.cn/output/report/notices/" in text
    assert "<table" in branch.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert mails["jgdw@example.cn, sj@example.cn"]["From"] == "notices@example.cn"


def test_digest_written_as_files(output: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["digest", "-o", str(output), "--today", IN_FORCE, "--org", "机关党支部", "--to", str(tmp_path),
                 "--mail-to", "jgdzb@example.cn"]) == 0
    path = Path(capsys.readouterr().out.strip())
    assert path == tmp_path / "机关党支部.eml"
    mail = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    assert mail["To"] == "jgdzb@example.cn" and "机关党支部" in str(mail["Subject"])


def test_digest_unreachable_server_is_one_line(output: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["digest", "-o", str(output), "--today", IN_FORCE, "--org", "机关党支部", "--mail-to", "a@b.cn",
                 "--smtp", f"smtp://user:secret@127.0.0.1:{_free_port()}"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("notices: error: cannot send through smtp://127.0.0.1:") and "secret" not in err
    assert len(err.strip().splitlines()) == 1
