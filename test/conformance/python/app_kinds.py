"""The python `kubernetes` client driving a whole application's kinds (driven by python-app-kinds.test.ts).

Usage: app_kinds.py KUBECONFIG CRDS_DIR APP_DIR

Creates the CRD, then every object of the application directory (typed APIs through
utils.create_from_dict; the custom resource through CustomObjectsApi), reads every object back
through the DynamicClient (which finds each kind by discovery), watches ConfigMaps, deletes the
namespace. Prints one JSON object per line, {"step": NAME, ...}; a failing step prints
{"step": NAME, "error": ...} and the script goes on.
"""
import os
import sys
import time

import yaml
from kubernetes import client, config, dynamic, utils, watch
from kubernetes.client.rest import ApiException
from steps import emit, step



def docs(directory):
    out = []
    for name in sorted(os.listdir(directory)):
        with open(os.path.join(directory, name)) as f:
            out.extend(d for d in yaml.safe_load_all(f) if d)
    return out


kubeconfig, crds_dir, app_dir = sys.argv[1], sys.argv[2], sys.argv[3]
config.load_kube_config(config_file=kubeconfig)
api = client.ApiClient()
core = client.CoreV1Api(api)
custom = client.CustomObjectsApi(api)
APP = docs(app_dir)


@step("create_crd")
def _():
    created = [utils.create_from_dict(api, d) for d in docs(crds_dir)]
    return {"count": len(created)}


@step("create_app")
def _():
    kinds = []
    dyn = dynamic.DynamicClient(api)
    for d in APP:
        if d["kind"] == "Widget":
            group, version = d["apiVersion"].split("/")
            custom.create_namespaced_custom_object(group, version, d["metadata"]["namespace"], "widgets", d)
        elif d["apiVersion"] == "autoscaling/v2":
            # This client release has no typed autoscaling/v2 API: the DynamicClient creates it.
            dyn.resources.get(api_version=d["apiVersion"], kind=d["kind"]).create(body=d, namespace=d["metadata"]["namespace"])
        else:
            utils.create_from_dict(api, d)
        kinds.append(d["kind"])
    return {"kinds": kinds}


@step("read_back")
def _():
    dyn = dynamic.DynamicClient(api)
    found = []
    for d in APP:
        res = dyn.resources.get(api_version=d["apiVersion"], kind=d["kind"])
        ns = d["metadata"].get("namespace")
        obj = res.get(name=d["metadata"]["name"], namespace=ns) if res.namespaced else res.get(name=d["metadata"]["name"])
        found.append("%s/%s" % (obj.kind, obj.metadata.name))
    return {"found": found}


@step("typed_reads")
def _():
    svc = core.read_namespaced_service("web", "shop")
    hpa = client.AutoscalingV1Api(api).read_namespaced_horizontal_pod_autoscaler("web", "shop")
    job = client.BatchV1Api(api).read_namespaced_job("migrate", "shop")
    pdb = client.PolicyV1Api(api).read_namespaced_pod_disruption_budget("web", "shop")
    return {
        "serviceType": svc.spec.type,
        "clusterIP": svc.spec.cluster_ip,
        "targetPort": svc.spec.ports[0].target_port,
        "hpaMin": hpa.spec.min_replicas,
        "hpaCpu": hpa.spec.target_cpu_utilization_percentage,
        "jobBackoff": job.spec.backoff_limit,
        "pdbMin": pdb.spec.min_available,
    }


@step("watch_configmaps")
def _():
    w = watch.Watch()
    names = []
    for ev in w.stream(core.list_namespaced_config_map, "shop", timeout_seconds=1):
        names.append("%s %s" % (ev["type"], ev["object"].metadata.name))
    return {"events": names}


@step("delete_namespace")
def _():
    ns = core.delete_namespace("shop")
    deadline = time.time() + 10
    while time.time() < deadline:
        try:
            core.read_namespace("shop")
            time.sleep(0.05)
        except ApiException as e:
            if e.status == 404:
                left = core.list_namespaced_config_map("shop").items
                return {"gone": True, "configmapsLeft": len(left)}
            raise
    return {"gone": False}


emit("done")
