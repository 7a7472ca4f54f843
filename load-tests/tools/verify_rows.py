#!/usr/bin/env python3
"""run.sh's verification: PostgreSQL holds exactly the signatures that were acknowledged.

usage: verify_rows.py BEFORE AFTER LIVE ACKNOWLEDGED [LATE]
  BEFORE, AFTER  SignatureRows.java output before and after the run (one petition a line)
  LIVE           "ID COUNT" lines of the live counts the server shows, or "-" when it has none
  ACKNOWLEDGED   how many signatures the server acknowledged (202) during the run
  LATE           how many it answered 503 after its Redis wait ran out and Redis then took all
                 the same (gateway_signatures_stored_after_timeout_total; default 0)

For every petition: rows == distinct signers (none twice) == persisted count (== live count).
Over all petitions: rows added during the run == acknowledged + late. Prints one line with the totals
("petitions=K rowsAdded=N stored-acknowledged=D"), then one line per mismatch; exits 1 on any.
"""
import sys


def read_rows(path):
    table = {}
    for line in open(path):
        fields = dict(f.split("=", 1) for f in line.split())
        if "petition" in fields:
            table[fields["petition"]] = {k: int(v) for k, v in fields.items() if k != "petition"}
    return table


def read_live(path):
    if path == "-":
        return None
    return {p: int(c) for p, c in (l.split() for l in open(path) if l.strip())}


def main():
    if len(sys.argv) not in (5, 6):
        sys.exit(__doc__)
    before, after = read_rows(sys.argv[1]), read_rows(sys.argv[2])
    live, acknowledged = read_live(sys.argv[3]), int(sys.argv[4])
    late = int(sys.argv[5]) if len(sys.argv) == 6 else 0
    problems = []
    for petition, now in sorted(after.items(), key=lambda kv: int(kv[0])):
        if now["rows"] != now["distinctSigners"]:
            problems.append(f"petition={petition} rows={now['rows']} but distinctSigners="
                            f"{now['distinctSigners']}: someone counted twice")
        if now["rows"] != now["persistedCount"]:
            problems.append(f"petition={petition} rows={now['rows']} but persistedCount="
                            f"{now['persistedCount']}")
        if live is not None and live.get(petition) != now["rows"]:
            problems.append(f"petition={petition} rows={now['rows']} but live count="
                            f"{live.get(petition)}")
    added = sum(now["rows"] - before.get(p, {"rows": 0})["rows"] for p, now in after.items())
    if added != acknowledged + late:
        problems.append(f"rows added={added} but acknowledged={acknowledged}"
                        f" + stored after a 503={late}")
    if acknowledged <= 0:
        problems.append("nothing was acknowledged")
    print(f"petitions={len(after)} rowsAdded={added} storedAfter503={late}"
          f" stored-acknowledged={added - acknowledged}")
    for problem in problems:
        print(problem)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
