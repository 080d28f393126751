"""One JSON line per step, for test/conformance/python.ts to read back by name."""

import json
import traceback

from kubernetes.client.rest import ApiException


def emit(step, **fields):
    print(json.dumps({"step": step, **fields}, default=str), flush=True)


def step(name):
    """Runs the decorated function now; its dict result (or the error) becomes one line."""

    def run(fn):
        try:
            emit(name, **(fn() or {}))
        except ApiException as e:
            emit(name, error="ApiException", status=e.status, reason=e.reason, body=e.body)
        except Exception as e:  # noqa: BLE001 - report anything, the test decides
            emit(name, error=repr(e), trace=traceback.format_exc())
        return fn

    return run
