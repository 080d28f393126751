"""The python `kubernetes` client against a running sandbox (driven by python-client.test.ts).

Usage: sandbox_client.py KUBECONFIG EXAMPLES_DIR

Prints one JSON object per line, {"step": NAME, ...}; a step that raises prints
{"step": NAME, "error": ...} and the script goes on, so the jest test can say which step failed.
"""
import json
import os
import sys

import yaml
from kubernetes import client, config, watch
from kubernetes.client.rest import ApiException
from steps import emit, step

NS = "default"
GROUP, VERSION, PLURAL = "rollouts.kruise.io", "v1beta1", "rollouts"



def load(path):
    with open(path) as f:
        return yaml.safe_load(f)


kubeconfig, examples = sys.argv[1], sys.argv[2]
config.load_kube_config(config_file=kubeconfig)
core = client.CoreV1Api()
apps = client.AppsV1Api()
custom = client.CustomObjectsApi()


@step("list_namespaces")
def _():
    return {"names": [n.metadata.name for n in core.list_namespace().items]}


@step("create_deployment")
def _():
    d = apps.create_namespaced_deployment(NS, load(os.path.join(examples, "docs_basic-usage_deployment_workload-demo.yaml")))
    return {"name": d.metadata.name, "uid": d.metadata.uid, "resourceVersion": d.metadata.resource_version}


@step("read_deployment")
def _():
    d = apps.read_namespaced_deployment("workload-demo", NS)
    c = d.spec.template.spec.containers[0]
    return {
        "name": d.metadata.name,
        "replicas": d.spec.replicas,
        "selector": d.spec.selector.match_labels,
        "image": c.image,
        "env": {e.name: e.value for e in c.env},
        # The model parses timestamps into datetime: a bad format would have raised.
        "creationTimestampType": type(d.metadata.creation_timestamp).__name__,
    }


@step("create_rollout")
def _():
    r = custom.create_namespaced_custom_object(GROUP, VERSION, NS, PLURAL, load(os.path.join(examples, "docs_basic-usage_rollout_v1beta1.yaml")))
    return {"kind": r["kind"], "apiVersion": r["apiVersion"], "name": r["metadata"]["name"]}


@step("get_rollout")
def _():
    r = custom.get_namespaced_custom_object(GROUP, VERSION, NS, PLURAL, "rollouts-demo")
    return {"apiVersion": r["apiVersion"], "name": r["metadata"]["name"], "steps": len(r["spec"]["strategy"]["canary"]["steps"])}


@step("list_rollouts")
def _():
    lst = custom.list_namespaced_custom_object(GROUP, VERSION, NS, PLURAL)
    return {"kind": lst.get("kind"), "names": [i["metadata"]["name"] for i in lst["items"]]}


@step("stale_status_replace")
def _():
    stale = custom.get_namespaced_custom_object(GROUP, VERSION, NS, PLURAL, "rollouts-demo")
    # A merge patch of a label moves the resourceVersion on, whatever the controllers do.
    patched = custom.patch_namespaced_custom_object(GROUP, VERSION, NS, PLURAL, "rollouts-demo", {"metadata": {"labels": {"touched": "yes"}}})
    try:
        custom.replace_namespaced_custom_object_status(GROUP, VERSION, NS, PLURAL, "rollouts-demo", stale)
    except ApiException as e:
        body = json.loads(e.body)
        return {
            "status": e.status,
            "kind": body.get("kind"),
            "reason": body.get("reason"),
            "code": body.get("code"),
            "message": body.get("message"),
            "staleRV": stale["metadata"]["resourceVersion"],
            "patchedRV": patched["metadata"]["resourceVersion"],
            "patchedLabel": patched["metadata"].get("labels", {}).get("touched"),
        }
    return {"status": 200, "staleRV": stale["metadata"]["resourceVersion"], "patchedRV": patched["metadata"]["resourceVersion"]}


@step("watch_pods")
def _():
    w = watch.Watch()
    events = []
    added = set()
    for ev in w.stream(core.list_namespaced_pod, NS, label_selector="app=demo", timeout_seconds=10):
        obj = ev["object"]
        events.append(ev["type"])
        if ev["type"] == "ADDED":
            added.add(obj.metadata.name)
        if len(added) >= 10:
            w.stop()
    return {"types": sorted(set(events)), "added": len(added), "objectType": type(obj).__name__ if events else None}


@step("strategic_patch")
def _():
    body = {"spec": {"template": {"spec": {"containers": [{"name": "busybox", "env": [{"name": "VERSION", "value": "version-2"}]}]}}}}
    d = apps.patch_namespaced_deployment("workload-demo", NS, body)
    c = d.spec.template.spec.containers
    return {
        "containers": len(c),
        "image": c[0].image,
        "command": c[0].command,
        "env": {e.name: e.value for e in c[0].env},
        "generation": d.metadata.generation,
        "paused": d.spec.paused,
    }


@step("watch_times_out")
def _():
    # Nothing matches: the stream must end on the server's timeoutSeconds, not hang.
    seen = [ev["type"] for ev in watch.Watch().stream(core.list_namespaced_pod, NS, label_selector="app=nothing-here", timeout_seconds=1)]
    return {"events": seen}


emit("done")
