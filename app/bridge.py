"""``intakedesk bridge``: a reference EMR bridge, and the contract told as code.

A real bridge talks to an EMR (NextGen, Epic …); this one writes to a folder, so an
integrator can read in one page what the queues expect of theirs:

1. ``GET /api/emr/queue`` with ``x-api-key``: every chart item not yet created. Polling
   changes nothing, so an item polled twice is the same item; a bridge that crashed
   simply polls again.
2. Create the chart (here: ``DIR/charts/<caseId>.json``), keep the MRN it gets, and report
   it: ``POST /api/emr/queue/callback`` with ``{"queueItemId", "status": "success",
   "emrChartId": MRN}``, or ``"failed"`` and a ``message`` (the item comes back).
3. A chart's success queues its documents and a Case Summary PDF. ``GET
   /api/emr/document-queue`` gives each with the patient's ``mrn`` and a download URL that
   lives 15 minutes: download it at once (here into ``DIR/documents/<mrn>/``), file it,
   and report each on ``POST /api/emr/document-queue/callback``.

``--once`` drains both queues and exits (non-zero if anything is left failing); without it
the bridge polls every ``--interval`` seconds until stopped.
"""

import hashlib
import json
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
BATCH = 500  # the most results one callback may carry


class BridgeError(Exception):
    """IntakeDesk refused a call (a wrong key, say): the bridge cannot go on."""


def _ok(response: httpx.Response) -> httpx.Response:
    if response.status_code >= 400:
        try:
            reason = response.json()["error"]["message"]
        except (ValueError, KeyError, TypeError):
            reason = response.reason_phrase
        request = response.request
        raise BridgeError(f"{request.method} {request.url.path}: {response.status_code} {reason}")
    return response


@dataclass
class Tally:
    charts: int = 0
    documents: int = 0
    failures: list[str] = field(default_factory=list)

    def line(self) -> str:
        text = f"charts created: {self.charts}, documents delivered: {self.documents}"
        return text + (f", failures: {len(self.failures)}" if self.failures else "")


class Bridge:
    def __init__(self, url: str, key: str, out: Path, *, timeout: float = 30) -> None:
        self.out = out
        self.http = httpx.Client(
            base_url=url.rstrip("/"), headers={"x-api-key": key}, timeout=timeout
        )
        # Downloads go to signed URLs, which carry their own credential: no API key there.
        self.downloads = httpx.Client(timeout=timeout, follow_redirects=True)

    def close(self) -> None:
        self.http.close()
        self.downloads.close()

    # -- the two queues ---------------------------------------------------------------------

    def create_charts(self, tally: Tally) -> int:
        """Create a chart for every queued case; the number of charts reported created."""
        items = self._poll("/api/emr/queue")
        results = [self._chart(item, tally) for item in items]
        return self._report("/api/emr/queue/callback", results, tally)

    def deliver_documents(self, tally: Tally) -> int:
        items = self._poll("/api/emr/document-queue")
        results = [self._document(item, tally) for item in items]
        return self._report("/api/emr/document-queue/callback", results, tally)

    def _poll(self, path: str) -> list[dict[str, Any]]:
        response = _ok(self.http.get(path))
        items: list[dict[str, Any]] = response.json()["items"]
        return items

    def _report(self, path: str, results: list[dict[str, Any]], tally: Tally) -> int:
        done = 0
        for start in range(0, len(results), BATCH):
            batch = results[start : start + BATCH]
            response = _ok(self.http.post(path, json={"results": batch}))
            for sent, answer in zip(batch, response.json()["results"], strict=True):
                if not answer["ok"]:
                    tally.failures.append(f"{answer['queueItemId']}: {answer.get('error')}")
                elif sent["status"] == "success":
                    done += 1
        return done

    # -- what an EMR would do ---------------------------------------------------------------

    def _chart(self, item: dict[str, Any], tally: Tally) -> dict[str, Any]:
        mrn = assign_mrn(item)
        try:
            folder = self.out / "charts"
            folder.mkdir(parents=True, exist_ok=True)
            chart = {**item, "mrn": mrn}
            (folder / f"{safe(item['caseId'])}.json").write_text(json.dumps(chart, indent=2))
        except OSError as exc:
            tally.failures.append(f"{item['queueItemId']}: {exc}")
            return {"queueItemId": item["queueItemId"], "status": "error", "message": str(exc)}
        tally.charts += 1
        return {"queueItemId": item["queueItemId"], "status": "success", "emrChartId": mrn}

    def _document(self, item: dict[str, Any], tally: Tally) -> dict[str, Any]:
        target = self.out / "documents" / safe(item["mrn"] or "no-mrn")
        name = f"{safe(item['queueItemId'])}-{safe(item['fileName'])}"
        try:
            response = self.downloads.get(item["downloadUrl"])
            response.raise_for_status()
            target.mkdir(parents=True, exist_ok=True)
            (target / name).write_bytes(response.content)
        except (httpx.HTTPError, OSError) as exc:
            tally.failures.append(f"{item['queueItemId']}: {exc}")
            return {"queueItemId": item["queueItemId"], "status": "failed", "message": str(exc)}
        tally.documents += 1
        return {"queueItemId": item["queueItemId"], "status": "success"}


def assign_mrn(item: dict[str, Any]) -> str:
    """The folder EMR's MRN for a patient: the same patient always gets the same one."""
    digest = hashlib.sha256(str(item.get("patientId") or item["caseId"]).encode()).hexdigest()
    return "MRN" + str(int(digest[:12], 16) % 10**8).zfill(8)


def safe(name: str) -> str:
    return _UNSAFE.sub("_", name).strip("._") or "file"


def run(url: str, key: str, out: Path, *, once: bool, interval: float) -> tuple[bool, str]:
    """Drain the queues (``once``) or poll for ever; (nothing left failing, summary line)."""
    bridge = Bridge(url, key, out)
    tally = Tally()
    try:
        while True:
            tally.failures.clear()
            try:
                charts = bridge.create_charts(tally)
                delivered = bridge.deliver_documents(tally)
            except (httpx.HTTPError, BridgeError) as exc:
                if once:
                    raise
                # Running for good: the server may be restarting; try again later.
                print(f"intakedesk bridge: {exc}", file=sys.stderr, flush=True)
                charts = delivered = 0
            # A created chart queues documents: poll again until a pass does nothing new.
            if once and charts == 0 and delivered == 0:
                return not tally.failures, tally.line()
            if charts == 0 and delivered == 0:
                time.sleep(interval)
    finally:
        bridge.close()
