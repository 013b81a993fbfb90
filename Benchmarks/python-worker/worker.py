"""A worker a province could write in an afternoon: the DVCQG + EMC fan-out of dossier events.

It is the benchmark's yardstick, not part of the gateway. It consumes `dossier.events` in a
consumer group, maps each event to DVCQG's DongBoHoSoMC (and CapNhatTienDoHoSoMC for progress)
and EMC's TrackingMCDT as the gateway does, runs each dossier's calls in order and different
dossiers side by side (at most `--in-flight` calls per system), and commits an offset only once
every event below it is done. It writes no results, marks or dead letters.

It stops after `--events` events are done and prints one JSON line of figures.
"""

import argparse
import asyncio
import json
import resource
import sys
import time
from datetime import datetime, timedelta, timezone

import aiohttp
from confluent_kafka import Consumer, TopicPartition

VIETNAM = timezone(timedelta(hours=7))
STATUS = {"submitted": 1, "received": 2, "rejected": 3, "progressed": 4, "supplement-requested": 5,
          "fee-requested": 6, "withdrawn": 7, "suspended": 8, "resolved": 9, "result-returned": 10,
          "result-disputed": 10}
CHANNEL = {"in-person": "1", "online": "2", "postal": "3"}
KIND = {"citizen": "1", "enterprise": "2", "agency": "3"}


def compact(text):
    if text is None:
        return None
    return datetime.fromisoformat(text).astimezone(VIETNAM).strftime("%Y%m%d%H%M%S")


def date(text):
    """A date DVCQG does not have yet is sent as ""."""
    return compact(text) or ""


def flag(value):
    return None if value is None else ("1" if value else "0")


def without_none(values):
    return {key: value for key, value in values.items() if value is not None}


def ho_so(event, short):
    data, applicant = event["data"], event["data"]["applicant"]
    online = data["channel"] == "online"
    identities = None
    if applicant.get("identityNumber") and applicant.get("identityType"):
        identities = [{"LoaiDinhDanh": "1" if applicant["identityType"] == "cccd" else "2",
                       "SoDinhDanh": applicant["identityNumber"]}]
    documents, fees, results = data.get("documents"), data.get("fees"), data.get("resultDocuments")
    databases = data.get("connectedDatabases")
    return without_none({
        "MaHoSo": data["dossierCode"], "MaTTHC": data["procedure"]["code"], "TenTTHC": data["procedure"]["name"],
        "MaLinhVuc": data["field"]["code"], "TenLinhVuc": data["field"]["name"],
        "KenhThucHien": CHANNEL.get(data["channel"], "1"), "SoBienNhan": data.get("receiptNumber"),
        "ChuHoSo": applicant["fullName"], "LoaiDoiTuong": KIND.get(applicant.get("kind"), "4"),
        "MaDoiTuong": applicant.get("identityNumber") if online else None, "Email": applicant.get("email"),
        "SoDienThoai": applicant.get("phone"), "TrichYeuHoSo": (data.get("summary") or None) and data["summary"][:1000],
        "NgayTiepNhan": date(data.get("receivedAt")), "NgayHenTra": date(data.get("appointmentAt")),
        "TrangThaiHoSo": str(STATUS[short]), "NgayTra": date(data.get("returnedAt")),
        "NgayKetThucXuLy": date(data.get("finishedAt")), "NgayTuChoi": date(data.get("rejectedAt")),
        "NgayNopHoSo": date(data.get("submittedAt")), "DonViXuLy": data.get("agencyName"),
        "GhiChu": data.get("note"), "NoiNopHoSo": "2" if online else "1",
        "HoSoCoThanhPhanSoHoa": flag(data.get("digitised")),
        "TaiKhoanDuocXacThucVoiVNeID": flag(data.get("vneidVerified")),
        "DuocThanhToanTrucTuyen": flag(data.get("paidOnline")), "SoGiayToChuHoSo": applicant.get("identityNumber"),
        "DinhDanhCHS": identities,
        "DSKetNoiCSDL": None if databases is None else [{"MaCSDL": code} for code in databases],
        "TaiLieuNop": None if documents is None else [without_none({
            "TepDinhKemId": None if d.get("id") is None else str(d["id"]),
            "TenTepDinhKem": (d.get("fileName") or d["name"])[:4000], "IsDeleted": "1" if d.get("deleted") else "0",
            "MaThanhPhanHoSo": d.get("code"), "DuongDanTaiTepTin": d.get("url"), "DuocSoHoa": flag(d.get("digitised")),
            "DuocTaiSuDung": flag(d.get("reused")), "DuocLayTuKhoDMQG": flag(d.get("fromNationalStore")),
            "MaKetQuaThayThe": d.get("replacesResult")}) for d in documents],
        "DanhSachLePhi": None if fees is None else [without_none({
            "TenPhiLePhi": f["name"], "MaPhiLePhi": f.get("code"), "HinhThucThu": f.get("collection"),
            "Gia": str(f["amount"]), "LoaiPhiLePhi": f.get("kind")}) for f in fees],
        "DanhSachGiayToKetQua": None if results is None else [without_none({
            "TenGiayTo": r["name"][:2000], "MaThanhPhanHoSo": r.get("code"), "GiayToId": r.get("id"),
            "DuongDanTepTinKetQua": r.get("url"), "MaGiayToKetQua": r.get("resultCode")}) for r in results],
    })


def tien_do(event, short):
    return [without_none({
        "MaHoSo": event["data"]["dossierCode"], "NguoiXuLy": step["handler"][:50], "ChucDanh": step.get("position"),
        "ThoiDiemXuLy": compact(step["at"]), "PhongBanXuLy": step.get("department"), "NoiDungXuLy": step["content"],
        "TrangThai": str(STATUS[short]), "NgayBatDau": date(step.get("startedAt")),
        "NgayKetThucTheoQuyDinh": date(step.get("dueAt"))}) for step in event["data"].get("progress") or []]


def emc_status(short):
    return {1: "1", 2: "1", 4: "2", 9: "3", 10: "3"}.get(STATUS[short], "0")


def tracking(event, short, site, province):
    data, applicant = event["data"], event["data"]["applicant"]
    identity = applicant.get("identityNumber") or ""
    level = data["procedure"].get("level")
    paid = "1" if data.get("paidOnline") else ("2" if data.get("fees") else "0")
    return {
        "CodeProfile": data["dossierCode"], "SiteId": site, "CodeTTHC": data["procedure"]["code"],
        "NameTTHC": data["procedure"]["name"], "MaHoSo": data["dossierCode"], "Status": emc_status(short),
        "FormsReception": "1" if data["channel"] == "online" else "2", "FormsPayments": paid,
        "Level": {3: "3", 4: "4", 1: "1", 2: "1"}.get(level, "0"),
        "IsFromDVCQG": "1" if data.get("fromNationalPortal") else "0", "IsDVCBC": "1" if data["channel"] == "postal" else "0",
        "Data": "",
        "User": json.dumps({"ID_local": applicant.get("accountId") or "", "ID_QG": identity,
                            "TYPE": "1" if len(identity) == 10 else "2", "LOCATION": province},
                           ensure_ascii=False, separators=(",", ":")),
    }


class Worker:
    def __init__(self, options, http):
        self.options, self.http = options, http
        self.session = None
        self.dvcqg = asyncio.Semaphore(options.in_flight)
        self.emc = asyncio.Semaphore(options.in_flight)
        self.failures = 0
        self.dvcqg_headers = {"dstcode": options.dvcqg_dstcode}

    async def post(self, limit, url, body, key, headers=None):
        async with limit:
            async with self.http.post(url, json=body, headers={"Idempotency-Key": key, **(headers or {})}) as response:
                return response.status, await response.read()

    async def login(self):
        url = self.options.dvcqg + "/api/dvcqg/login"
        async with self.http.post(url, json={"username": self.options.dvcqg_user, "password": self.options.dvcqg_password},
                                  headers=self.dvcqg_headers) as response:
            self.session = json.loads(await response.read())["session"]

    def succeeded(self, status, body):
        try:
            ok = status == 200 and str(json.loads(body).get("error_code")) in ("0", "00")
        except ValueError:
            ok = False
        if not ok:
            self.refused(status, body)
        return ok

    def refused(self, status, body):
        """Counts a refused call; the first few are shown on stderr, so a contract drift is seen."""
        self.failures += 1
        if self.failures <= 3:
            print(f"refused ({status}): {body[:300].decode('utf-8', 'replace')}", file=sys.stderr, flush=True)

    async def deliver(self, event):
        short = event["type"].rsplit(".", 1)[-1]
        unit = event["data"]["agencyCode"]
        url = self.options.dvcqg + "/api/dvcqg/integration"
        first = short == "submitted" or (short in ("received", "rejected") and event["data"]["channel"] != "online")
        body = {"session": self.session, "madonvi": unit, "service": "DongBoHoSoMC",
                "isUpdating": "False" if first else "True", "data": [ho_so(event, short)]}
        status, answer = await self.post(self.dvcqg, url, body, event["id"] + "/dvcqg/DongBoHoSoMC", self.dvcqg_headers)
        if first and status == 200 and "tồn tại" in answer.decode("utf-8", "replace"):
            body["isUpdating"] = "True"
            status, answer = await self.post(self.dvcqg, url, body, event["id"] + "/dvcqg/DongBoHoSoMC/update", self.dvcqg_headers)
        self.succeeded(status, answer)
        if short == "progressed":
            rows = tien_do(event, short)
            for part, start in enumerate(range(0, len(rows), 10)):
                key = event["id"] + "/dvcqg/CapNhatTienDoHoSoMC" + ("" if part == 0 else f"/part-{part + 1}")
                body = {"session": self.session, "madonvi": unit, "service": "CapNhatTienDoHoSoMC", "data": rows[start:start + 10]}
                status, answer = await self.post(self.dvcqg, url, body, key, self.dvcqg_headers)
                self.succeeded(status, answer)
        body = tracking(event, short, self.options.emc_site, self.options.emc_province)
        status, answer = await self.post(self.emc, self.options.emc + "/TrackingMCDT", body, event["id"] + "/emc/TrackingMCDT")
        if not 200 <= status < 300:
            self.refused(status, answer)


async def main(options):
    consumer = Consumer({"bootstrap.servers": options.bootstrap, "group.id": options.group,
                         "enable.auto.commit": False, "auto.offset.reset": "earliest"})
    consumer.subscribe([options.topic])
    connector = aiohttp.TCPConnector(limit=0, limit_per_host=options.in_flight)
    loop = asyncio.get_running_loop()
    async with aiohttp.ClientSession(connector=connector) as http:
        worker = Worker(options, http)
        await worker.login()
        lanes = {}            # dossier -> the task of its latest event
        pending = {}          # partition -> offsets not done yet
        highest = {}          # partition -> highest offset read
        done = 0
        first = None
        last_commit = time.monotonic()

        async def run(previous, event, partition, offset):
            nonlocal done
            if previous is not None:
                await previous
            await worker.deliver(event)
            pending[partition].discard(offset)
            done += 1

        started = time.monotonic()
        while done < options.events:
            if sum(len(offsets) for offsets in pending.values()) < options.backlog:
                messages = await loop.run_in_executor(None, consumer.consume, 500, 0.05)
            else:
                messages = []
                await asyncio.sleep(0.005)
            for message in messages:
                if message.error():
                    continue
                first = first or time.monotonic()
                event = json.loads(message.value())
                partition, offset = message.partition(), message.offset()
                pending.setdefault(partition, set()).add(offset)
                highest[partition] = max(highest.get(partition, -1), offset)
                dossier = event["data"]["dossierCode"]
                lanes[dossier] = asyncio.ensure_future(run(lanes.get(dossier), event, partition, offset))
            if not messages:
                await asyncio.sleep(0)
            if time.monotonic() - last_commit > 1 or done >= options.events:
                offsets = [TopicPartition(options.topic, p, min(pending[p]) if pending[p] else highest[p] + 1) for p in pending]
                if offsets:
                    consumer.commit(offsets=offsets, asynchronous=False)
                last_commit = time.monotonic()
        ended = time.monotonic()
        usage = resource.getrusage(resource.RUSAGE_SELF)
        consumer.close()
        print(json.dumps({"events": done, "seconds": ended - (first or started), "wall_seconds": ended - started,
                          "cpu_seconds": usage.ru_utime + usage.ru_stime, "failures": worker.failures,
                          "peak_rss_kib": usage.ru_maxrss}), flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bootstrap", required=True)
    parser.add_argument("--group", default="python-worker")
    parser.add_argument("--topic", default="dossier.events")
    parser.add_argument("--events", type=int, required=True)
    parser.add_argument("--in-flight", type=int, default=32)
    parser.add_argument("--backlog", type=int, default=5000)
    parser.add_argument("--dvcqg", required=True)
    parser.add_argument("--dvcqg-user", default="gateway")
    parser.add_argument("--dvcqg-password", required=True)
    parser.add_argument("--dvcqg-dstcode", default="G22.99.DVCQG", help="the destination code every direct DVCQG call carries")
    parser.add_argument("--emc", required=True)
    parser.add_argument("--emc-site", type=int, default=9201)
    parser.add_argument("--emc-province", default="92")
    asyncio.run(main(parser.parse_args()))
