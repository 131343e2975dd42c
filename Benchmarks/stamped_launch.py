"""Runs a command, stamping CLOCK_MONOTONIC in the process that then becomes the command (fork,
stamp, exec), so the stamp is the command's start on the clock the fake server's records use.
Usage: stamped_launch.py OUT ERR COMMAND [ARG...]
OUT gets "PID LAUNCH_NS" as soon as the command starts, then a second line "END_NS EXIT_CODE";
the command's stderr goes to ERR, its stdout to /dev/null. Exits with the command's code."""
import os
import sys
import time

out, err, command = sys.argv[1], sys.argv[2], sys.argv[3:]
read_end, write_end = os.pipe()
pid = os.fork()
if pid == 0:
    os.close(read_end)
    os.write(write_end, str(time.monotonic_ns()).encode())
    os.close(write_end)
    os.dup2(os.open(err, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644), 2)
    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
    try:
        os.execv(command[0], command)
    finally:
        os._exit(127)
os.close(write_end)
launch = int(os.read(read_end, 64))
with open(out + ".tmp", "w") as f:
    f.write(f"{pid} {launch}\n")
os.rename(out + ".tmp", out)  # whole, for a reader polling for it
_, status = os.waitpid(pid, 0)
code = os.waitstatus_to_exitcode(status)
with open(out, "a") as f:
    f.write(f"{time.monotonic_ns()} {code}\n")
sys.exit(min(max(code, 0), 255) if code >= 0 else 128 - code)
