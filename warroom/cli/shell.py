"""`warroom shell ID`: the user's own shell, recording each command line into the incident.

bash gets a generated rc file (`--rcfile`) that sources ~/.bashrc first, then
adds a DEBUG trap (when a command starts) and a PROMPT_COMMAND function (when
it ended, its status, the line from history); zsh gets a ZDOTDIR whose files
source the user's own, then add preexec and precmd hooks. Each finished
command starts warroom.hook by path with `python -I -S`, in the background (the
prompt does not wait for it): a direct SQLite insert that loads neither the CLI
nor textual nor pydantic. Output is not captured.
"""

from __future__ import annotations

import os
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from warroom.cli.common import UsageError

if TYPE_CHECKING:
    from warroom.store.store import Store

SHELLS = ("bash", "zsh")

_BASH_RC = r"""# warroom shell: your own ~/.bashrc first, then the recording hooks.
if [ -f ~/.bashrc ]; then . ~/.bashrc; fi
{settings}
set -o history
# A repeated command is recorded again: duplicates stay in the history (a leading
# space still keeps a command out of it, and out of the record, if you asked for that).
case ":${{HISTCONTROL-}}:" in
  *ignorespace*|*ignoreboth*) HISTCONTROL=ignorespace ;;
  *) HISTCONTROL= ;;
esac
__warroom_start= __warroom_ready=
# The DEBUG trap runs before every simple command, prompt commands too: only the first
# one after the prompt was drawn starts a command line.
__warroom_preexec() {{
  if [[ -n $__warroom_ready ]]; then __warroom_ready= __warroom_start=$EPOCHREALTIME; fi
}}
__warroom_precmd() {{
  local __warroom_status=$? __warroom_end=$EPOCHREALTIME __warroom_line __warroom_n=0
  __warroom_line=$(HISTTIMEFORMAT= builtin history 1)
  if [[ $__warroom_line =~ ^[[:space:]]*([0-9]+)[*]?[[:space:]]+(.*)$ ]]; then
    __warroom_n=${{BASH_REMATCH[1]}}
    if [[ -n ${{__warroom_seen-}} && $__warroom_n != "$__warroom_seen" \
          && -n $__warroom_start ]]; then
      : > "$__warroom_dir/pending.$__warroom_end"
      ( "$__warroom_py" -I -S "$__warroom_hook" "$__warroom_dir/pending.$__warroom_end" \
        "$__warroom_db" "$__warroom_id" "$__warroom_user" "$__warroom_host" \
        "$__warroom_status" "$__warroom_start" "$__warroom_end" "$PWD" \
        "${{BASH_REMATCH[2]}}" </dev/null >/dev/null & )
    fi
  fi
  __warroom_seen=$__warroom_n
  __warroom_start=
  return $__warroom_status
}}
if [[ "$(declare -p PROMPT_COMMAND 2>/dev/null)" == "declare -a"* ]]; then
  PROMPT_COMMAND=(__warroom_precmd "${{PROMPT_COMMAND[@]}}" __warroom_ready=1)
else
  PROMPT_COMMAND=__warroom_precmd$'\n'${{PROMPT_COMMAND-}}$'\n'__warroom_ready=1
fi
PS1="[INC #{incident}] ${{PS1-\$ }}"
trap '__warroom_preexec' DEBUG
"""

_ZSHENV = r"""# warroom shell: your own .zshenv.
__warroom_zdotdir=$ZDOTDIR
ZDOTDIR=${{WARROOM_USER_ZDOTDIR:-$HOME}}
[[ -f $ZDOTDIR/.zshenv ]] && source $ZDOTDIR/.zshenv
ZDOTDIR=$__warroom_zdotdir
"""

_ZSHRC = r"""# warroom shell: your own .zshrc first, then the recording hooks.
ZDOTDIR=${{WARROOM_USER_ZDOTDIR:-$HOME}}
[[ -f $ZDOTDIR/.zshrc ]] && source $ZDOTDIR/.zshrc
unset WARROOM_USER_ZDOTDIR
{settings}
zmodload zsh/datetime
__warroom_start=
__warroom_preexec() {{ __warroom_cmd=$1; __warroom_start=$EPOCHREALTIME }}
__warroom_precmd() {{
  local __warroom_status=$? __warroom_end=$EPOCHREALTIME
  if [[ -n $__warroom_start ]]; then
    : > "$__warroom_dir/pending.$__warroom_end"
    ( "$__warroom_py" -I -S "$__warroom_hook" "$__warroom_dir/pending.$__warroom_end" \
      "$__warroom_db" "$__warroom_id" "$__warroom_user" "$__warroom_host" \
      "$__warroom_status" "$__warroom_start" "$__warroom_end" "$PWD" \
      "$__warroom_cmd" </dev/null >/dev/null & )
  fi
  __warroom_start=
  return $__warroom_status
}}
preexec_functions=(__warroom_preexec $preexec_functions)
precmd_functions=(__warroom_precmd $precmd_functions)
PROMPT="[INC #{incident}] ${{PROMPT:-%# }}"
"""


def _settings(store: Store, incident_id: int, user: str, host: str, where: Path) -> str:
    """The hook's arguments as shell variables (quoted: a path or name may hold anything)."""
    import warroom

    hook = Path(warroom.__file__).resolve().parent / "hook.py"
    values = {"py": sys.executable, "hook": str(hook), "db": str(store.path.resolve()),
              "id": str(incident_id), "user": user, "host": host, "dir": str(where)}
    return "\n".join(f"__warroom_{k}={shlex.quote(v)}" for k, v in values.items())


def shell_command(shell: str, incident_id: int, settings: str, where: Path
                  ) -> tuple[list[str], dict[str, str]]:
    """The command line and environment that start `shell` with the hooks (files in `where`)."""
    env = dict(os.environ)
    if Path(shell).name == "bash":
        rc = where / "bashrc"
        rc.write_text(_BASH_RC.format(settings=settings, incident=incident_id))
        return [shell, "--rcfile", str(rc), "-i"], env
    (where / ".zshenv").write_text(_ZSHENV.format())
    (where / ".zshrc").write_text(_ZSHRC.format(settings=settings, incident=incident_id))
    env["WARROOM_USER_ZDOTDIR"] = env.get("ZDOTDIR", env.get("HOME", ""))
    env["ZDOTDIR"] = str(where)
    return [shell, "-i"], env


def which_shell(given: str | None) -> str:
    shell = given or os.environ.get("SHELL") or "/bin/bash"
    if Path(shell).name not in SHELLS:
        raise UsageError(
            f"{shell} is not bash or zsh, the shells warroom can record; "
            "give one with --shell /bin/bash"
        )
    return shell


def start(store: Store, incident_id: int, user: str, shell: str | None) -> int:
    """Run the shell until it exits; say before and after what was recorded."""
    from warroom.core.models import EventKind
    from warroom.timeline.sanitize import sanitize

    incident = store.incident(incident_id)
    shell = which_shell(shell)
    host = socket.gethostname()
    before = _count(store, incident_id)
    with tempfile.TemporaryDirectory(prefix="warroom-shell-") as tmp:
        argv, env = shell_command(
            shell, incident_id, _settings(store, incident_id, user, host, Path(tmp)), Path(tmp)
        )
        store.add_event(incident_id, EventKind.SYSTEM,
                        f"Shell recording started by {user} on {host} ({Path(shell).name})",
                        actor=user)
        print(f"warroom: recording the commands you type into #{incident_id} "
              f"{sanitize(incident.title)}: each command line, its exit status and times.\n"
              "warroom: output is NOT captured here (warroom run ID -- CMD records it); "
              "exit the shell to stop recording.", file=sys.stderr)
        previous = signal.signal(signal.SIGINT, lambda *_: None)  # ctrl+c is the shell's
        try:
            status = subprocess.call(argv, env=env)
        except OSError as exc:
            raise UsageError(f"cannot start {shell}: {exc.strerror}") from None
        finally:
            signal.signal(signal.SIGINT, previous)
        _wait_for_hooks(Path(tmp))
    recorded = _count(store, incident_id) - before
    store.add_event(incident_id, EventKind.SYSTEM,
                    f"Shell recording ended: {recorded} command{'s' * (recorded != 1)} "
                    f"recorded by {user} on {host}", actor=user)
    print(f"warroom: recording ended; {recorded} command{'s' * (recorded != 1)} "
          f"recorded into #{incident_id}", file=sys.stderr)
    return status


def _wait_for_hooks(where: Path, seconds: float = 10.0) -> None:
    """The last commands' entries are written in the background: wait for them to land."""
    import time

    deadline = time.monotonic() + seconds
    while any(where.glob("pending.*")) and time.monotonic() < deadline:
        time.sleep(0.05)


def _count(store: Store, incident_id: int) -> int:
    row = store.db.execute(
        "select count(*) from timeline_events where incident_id = ? and kind = 'action'",
        [incident_id],
    ).fetchone()
    return int(row[0])
