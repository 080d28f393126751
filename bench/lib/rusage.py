# Runs a command and reports its own resource usage (wait4), which GNU time rounds to 10 ms:
# "wall_ms user_ms sys_ms maxrss_kib" into the file given as the first argument.
# Usage: python3 rusage.py OUT_FILE CMD ARGS...
import os, sys, time

out, argv = sys.argv[1], sys.argv[2:]
t0 = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.execvp(argv[0], argv)
    finally:
        os._exit(127)
_, status, ru = os.wait4(pid, 0)
wall = (time.perf_counter() - t0) * 1000
with open(out, "w") as f:
    f.write("%.3f %.3f %.3f %d\n" % (wall, ru.ru_utime * 1000, ru.ru_stime * 1000, ru.ru_maxrss))
sys.exit(os.waitstatus_to_exitcode(status) if hasattr(os, "waitstatus_to_exitcode") else (status >> 8))
