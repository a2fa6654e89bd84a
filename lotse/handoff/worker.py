"""The outbox worker: delivers stored handoffs by email and webhook, with retries.

At least once: an entry is marked delivered only after the receiver accepted it; a worker that
dies mid-delivery leaves a claim that expires, and the next worker delivers again (receivers
deduplicate by the reference). After ``max_attempts`` an entry is marked failed, which the agency
inbox and ``python -m lotse.handoff.worker --status`` show to staff.

    python -m lotse.handoff.worker            # run until stopped
    python -m lotse.handoff.worker --once     # deliver what is due, then exit
"""
from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
import time
from dataclasses import dataclass
from typing import Optional

from lotse import content as content_module
from lotse import retention
from lotse.handoff import delivery, summary
from lotse.handoff.store import HandoffStore

log = logging.getLogger("lotse.handoff.worker")


@dataclass(frozen=True)
class WorkerSettings:
    interval: float = 5.0          # seconds between outbox scans
    backoff_base: float = 10.0     # first retry delay; multiplied by 3 per attempt
    backoff_max: float = 6 * 3600.0
    max_attempts: int = 10         # about a day of retrying with the defaults
    retention_interval: float = 3600.0  # seconds between retention runs (0: never)
    lease: float = 120.0           # a crashed worker's claim on a delivery expires after this

    @classmethod
    def from_env(cls) -> "WorkerSettings":
        env = os.environ.get
        return cls(interval=float(env("LOTSE_OUTBOX_INTERVAL") or cls.interval),
                   backoff_base=float(env("LOTSE_OUTBOX_BACKOFF") or cls.backoff_base),
                   backoff_max=float(env("LOTSE_OUTBOX_BACKOFF_MAX") or cls.backoff_max),
                   max_attempts=int(env("LOTSE_OUTBOX_MAX_ATTEMPTS") or cls.max_attempts),
                   retention_interval=float(env("LOTSE_RETENTION_INTERVAL")
                                            or cls.retention_interval),
                   lease=float(env("LOTSE_OUTBOX_LEASE") or cls.lease))

    def delay(self, attempts_so_far: int) -> float:
        return min(self.backoff_base * (3 ** attempts_so_far), self.backoff_max)


class OutboxWorker:
    def __init__(self, store: HandoffStore, content, smtp: Optional[delivery.SmtpSettings],
                 settings: WorkerSettings):
        self.store, self.content, self.smtp, self.settings = store, content, smtp, settings
        self._stop = threading.Event()

    def run_once(self) -> int:
        """Delivers every due entry once; returns how many were delivered."""
        delivered = 0
        for entry_id in self.store.claim_due(lease_seconds=self.settings.lease):
            delivered += self._deliver(entry_id)
        return delivered

    def run_forever(self) -> None:
        log.info("outbox worker started (interval %.1fs)", self.settings.interval)
        next_retention = time.monotonic()
        while not self._stop.is_set():
            try:
                self.run_once()
            except Exception as error:  # keep running: the database may come back
                log.error("outbox scan failed: %s", type(error).__name__)
            if self.settings.retention_interval and time.monotonic() >= next_retention:
                next_retention = time.monotonic() + self.settings.retention_interval
                try:
                    retention.run(self.store, self.content)
                except Exception as error:
                    log.error("retention run failed: %s", type(error).__name__)
            self._stop.wait(self.settings.interval)
        log.info("outbox worker stopped")

    def stop(self) -> None:
        self._stop.set()

    def _deliver(self, entry_id: int) -> int:
        entry = self.store.outbox_entry(entry_id)
        if entry is None:
            return 0  # erased meanwhile
        handoff = entry.handoff
        agency = self.content.agency_directory.get(handoff.agency_id)
        try:
            if agency is None:
                raise delivery.DeliveryError(f"unknown agency {handoff.agency_id}", True)
            if entry.channel == "email":
                message = delivery.build_email(
                    self.smtp or _NO_SMTP, agency.handoff_email,
                    summary.subject(handoff, self.content),
                    summary.as_text(handoff, self.content),
                    summary.as_html(handoff, self.content), handoff.reference)
                delivery.send_email(self.smtp, message)
            elif entry.channel == "webhook":
                delivery.post_webhook(agency.webhook_url,
                                      os.environ.get(agency.webhook_secret_env, ""),
                                      summary.as_document(handoff, self.content),
                                      handoff.reference)
            else:
                raise delivery.DeliveryError(f"unknown channel {entry.channel}", True)
        except delivery.DeliveryError as error:
            attempts = entry.attempts + 1
            if error.permanent or attempts >= self.settings.max_attempts:
                self.store.mark_failed(entry_id, str(error))
                log.error("handoff %s: %s delivery failed for good after %d attempts: %s",
                          handoff.reference, entry.channel, attempts, error)
            else:
                delay = self.settings.delay(entry.attempts)
                self.store.mark_retry(entry_id, str(error), delay)
                log.warning("handoff %s: %s delivery failed (attempt %d), retry in %.0fs: %s",
                            handoff.reference, entry.channel, attempts, delay, error)
            return 0
        self.store.mark_delivered(entry_id)
        log.info("handoff %s delivered by %s", handoff.reference, entry.channel)
        return 1


_NO_SMTP = delivery.SmtpSettings("", 0, "none", "", "", "lotse@localhost", None, 1.0)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lotse.handoff.worker")
    parser.add_argument("--once", action="store_true", help="deliver what is due, then exit")
    parser.add_argument("--status", action="store_true", help="list outbox entries, then exit")
    args = parser.parse_args(argv)
    logging.basicConfig(level=os.environ.get("LOTSE_LOG_LEVEL", "INFO"),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    store = HandoffStore()
    store.create_schema()
    if args.status:
        for entry in store.outbox():
            print(f"{entry.id}\t{entry.channel}\t{entry.state}\tattempts={entry.attempts}\t"
                  f"{entry.last_error or ''}")
        return 0
    worker = OutboxWorker(store, content_module.load(), delivery.SmtpSettings.from_env(),
                          WorkerSettings.from_env())
    if args.once:
        worker.run_once()
        return 0
    signal.signal(signal.SIGTERM, lambda *_: worker.stop())
    signal.signal(signal.SIGINT, lambda *_: worker.stop())
    worker.run_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
