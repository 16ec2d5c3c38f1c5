"""A published set replaces the folder's earlier set as a whole or not at all: staged inside the folder (so a mount
point works), our stale files removed by the manifest, other files never touched, a folder we cannot write
refused in Norwegian."""
from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest

from dashboard.publish import folder
from dashboard.publish.files import PublishError
from dashboard.publish.folder import MANIFEST, FolderWriter


def write_set(out: Path, files: dict[str, bytes], set_name: str | None = None, **kw) -> folder.WriteResult:
    with FolderWriter(out, set_name, **kw) as writer:
        for name, data in files.items():
            writer.put(name, data)
        return writer.commit()


def snapshot(path: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(path.iterdir()) if p.is_file()} | {
        p.name + "/": b"" for p in path.iterdir() if p.is_dir()}


def test_a_new_folder_gets_the_set_and_a_manifest_of_it(tmp_path):
    out = tmp_path / "ut"
    result = write_set(out, {"a.html": b"A", "a.png": b"P"})
    assert sorted(p.name for p in out.iterdir()) == [MANIFEST, "a.html", "a.png"]
    assert result.written == [out / "a.html", out / "a.png"] and result.removed == []
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    assert sorted(manifest["files"]) == ["a.html", "a.png"]
    assert [p.name for p in tmp_path.iterdir()] == ["ut"]


def test_our_stale_files_go_other_files_stay_and_an_edited_file_of_ours_is_left_with_a_notice(tmp_path):
    out = tmp_path / "ut"
    write_set(out, {"a.html": b"A1", "b.html": b"B1", "c.html": b"C1"})
    (out / "egen-fil.txt").write_text("kommunens egen fil", encoding="utf-8")
    (out / "c.html").write_bytes(b"C redigert for hand")
    result = write_set(out, {"a.html": b"A2"})
    assert sorted(p.name for p in out.iterdir()) == [MANIFEST, "a.html", "c.html", "egen-fil.txt"]
    assert (out / "a.html").read_bytes() == b"A2" and result.removed == ["b.html"]
    assert (out / "c.html").read_bytes() == b"C redigert for hand"
    assert any("«c.html»" in n and "endret" in n for n in result.notices)
    assert (out / "egen-fil.txt").read_text(encoding="utf-8") == "kommunens egen fil"


def test_a_manifest_never_makes_us_remove_anything_outside_the_folder(tmp_path):
    out = tmp_path / "ut"
    out.mkdir()
    outside = tmp_path / "utenfor.txt"
    outside.write_bytes(b"x")
    import hashlib
    sha = hashlib.sha256(b"x").hexdigest()
    (out / MANIFEST).write_text(json.dumps({"generator": folder.GENERATOR,
                                            "files": {"../utenfor.txt": sha, str(outside): sha}}), encoding="utf-8")
    write_set(out, {"a.html": b"A"})
    assert outside.read_bytes() == b"x"


@pytest.mark.parametrize("fail_at", [1, 3, 5])
def test_a_failure_while_moving_in_leaves_the_folder_exactly_as_it_was(tmp_path, monkeypatch, fail_at):
    out = tmp_path / "ut"
    write_set(out, {"a.html": b"A1", "b.html": b"B1", "gammel.html": b"G"})
    (out / "egen-fil.txt").write_bytes(b"E")
    before = snapshot(out)
    real_replace, calls = os.replace, []

    def flaky(src, dst):
        calls.append((src, dst))
        if len(calls) == fail_at:
            raise OSError(errno.EIO, "Input/output error")
        return real_replace(src, dst)
    monkeypatch.setattr(folder.os, "replace", flaky)
    with pytest.raises(PublishError, match="Mappen er som før"):
        write_set(out, {"a.html": b"A2", "b.html": b"B2", "c.html": b"C2"})
    monkeypatch.setattr(folder.os, "replace", real_replace)
    assert snapshot(out) == before


def test_a_failure_before_the_set_is_complete_removes_a_folder_it_created(tmp_path):
    out = tmp_path / "ut"
    with pytest.raises(RuntimeError):
        with FolderWriter(out) as writer:
            writer.put("a.html", b"A")
            raise RuntimeError("rendering failed")
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_a_mount_point_works_every_move_stays_inside_the_folder(tmp_path, monkeypatch):
    """A mounted folder: a rename from outside it fails with EXDEV (the old staging sat in the parent)."""
    out = tmp_path / "mount"
    out.mkdir()
    real_replace = os.replace

    def across_devices(src, dst):
        inside = [Path(p).resolve().is_relative_to(out.resolve()) for p in (src, dst)]
        if inside[0] != inside[1]:
            raise OSError(errno.EXDEV, "Invalid cross-device link")
        return real_replace(src, dst)
    monkeypatch.setattr(folder.os, "replace", across_devices)
    write_set(out, {"a.html": b"A"})
    write_set(out, {"a.html": b"A2", "b.html": b"B"})
    assert sorted(p.name for p in out.iterdir()) == [MANIFEST, "a.html", "b.html"]


def test_a_folder_we_cannot_write_is_refused_in_norwegian():
    # /sys refuses new entries even for root: a real folder this process cannot write
    with pytest.raises(PublishError, match=r"Kan ikke skrive til mappen /sys: ingen skrivetilgang"):
        write_set(Path("/sys"), {"a.html": b"A"})


def test_a_folder_that_cannot_be_made_is_refused_in_norwegian(tmp_path, monkeypatch):
    def refuse(self, *args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")
    monkeypatch.setattr(Path, "mkdir", refuse)
    with pytest.raises(PublishError, match=r"Kan ikke lage mappen .*ut: ingen skrivetilgang"):
        write_set(tmp_path / "ut", {"a.html": b"A"})


def test_a_file_where_the_folder_should_be_is_refused(tmp_path):
    (tmp_path / "ut").write_text("fil")
    with pytest.raises(PublishError, match="finnes og er ikke en mappe"):
        write_set(tmp_path / "ut", {"a.html": b"A"})


def test_a_second_run_into_the_same_folder_at_once_is_refused(tmp_path):
    out = tmp_path / "ut"
    with FolderWriter(out) as first:
        first.put("a.html", b"A")
        with pytest.raises(PublishError, match="En annen publisering skriver til"):
            with FolderWriter(out):
                pass
        first.commit()
    write_set(out, {"b.html": b"B"})  # the lock is released with the first run
    assert (out / "b.html").read_bytes() == b"B" and not (out / "a.html").exists()


def test_a_staging_folder_left_by_a_killed_run_is_removed(tmp_path):
    out = tmp_path / "ut"
    out.mkdir()
    old = out / f"{folder.STAGING_PREFIX}drept"
    old.mkdir()
    (old / "a.html").write_bytes(b"halvferdig")
    os.utime(old, (0, 0))
    young = out / f"{folder.STAGING_PREFIX}i-gang"
    young.mkdir()
    write_set(out, {"a.html": b"A"})
    assert not old.exists() and young.exists()


def test_a_users_own_file_with_one_of_our_names_is_a_refusal_naming_it_unless_overwrite(tmp_path):
    """The user's own plotly.min.js or presentasjon.pdf was overwritten and deleted without a word."""
    out = tmp_path / "ut"
    out.mkdir()
    (out / "presentasjon.pdf").write_bytes(b"brukerens egen pdf")
    before = snapshot(out)
    with pytest.raises(PublishError, match=r"«presentasjon\.pdf» finnes allerede i .*--overwrite"):
        write_set(out, {"a.html": b"A", "presentasjon.pdf": b"%PDF"}, "a")
    assert snapshot(out) == before  # nothing moved, nothing left behind
    write_set(out, {"a.html": b"A", "presentasjon.pdf": b"%PDF"}, "a", overwrite=True)
    assert (out / "presentasjon.pdf").read_bytes() == b"%PDF"
    write_set(out, {"a.html": b"A2", "presentasjon.pdf": b"%PDF2"}, "a")  # ours now: replaced without a word
    assert (out / "presentasjon.pdf").read_bytes() == b"%PDF2"


def test_two_sets_share_a_folder_without_retiring_each_others_files(tmp_path):
    out = tmp_path / "ut"
    write_set(out, {"a.html": b"A", "plotly.min.js": b"JS"}, "a")
    write_set(out, {"b.html": b"B", "plotly.min.js": b"JS"}, "b")  # the same bytes: shared, no conflict
    result = write_set(out, {"a2.html": b"A2", "plotly.min.js": b"JS"}, "a")
    assert result.removed == ["a.html"]
    assert sorted(p.name for p in out.iterdir()) == [".kostra-publish-a.json", ".kostra-publish-b.json", "a2.html",
                                                     "b.html", "plotly.min.js"]
    result = write_set(out, {"a2.html": b"A2"}, "a")  # a no longer needs plotly.min.js; b still does
    assert result.removed == [] and (out / "plotly.min.js").exists()
    with pytest.raises(PublishError, match=r"«b\.html» finnes allerede i .*, og den ble skrevet av et annet sett"):
        write_set(out, {"b.html": b"ANNET"}, "a")
    assert (out / "b.html").read_bytes() == b"B"


def test_a_folder_from_before_named_sets_is_taken_over_by_the_set_that_wrote_it(tmp_path):
    out = tmp_path / "ut"
    write_set(out, {"a.html": b"A", "b.html": b"B"})  # the unnamed manifest of an earlier version
    result = write_set(out, {"a.html": b"A2"}, "a+b")
    assert result.removed == ["b.html"]
    assert sorted(p.name for p in out.iterdir()) == [".kostra-publish-a+b.json", "a.html"]


def test_set_names_come_from_the_user_or_the_figures():
    assert folder.set_name_for(["b", "a", "a"]) == "a+b"
    assert len(folder.set_name_for([f"figur-nummer-{i}" for i in range(9)])) == 12
    assert folder.set_name_for(["a"], " Komite ") == "komite"
    with pytest.raises(PublishError, match="--sett"):
        folder.set_name_for(["a"], "../x")
