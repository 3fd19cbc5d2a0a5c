"""Execution backends: local = Dask, imports, progress."""

import io
import subprocess
import sys

import numpy as np

import cevns_core as cc
from cevns_core.scans import TextProgress, scan


# ------------------------------------------------------------------------- Dask
def test_dask_local_cluster_gives_the_identical_grid(csi):
    import distributed  # in the test extra: the Dask backend is always tested

    g = np.geomspace(1e-5, 1e-2, 24)
    m = np.geomspace(1.0, 1e4, 20)
    local = scan(csi, "zprime", coupling=g, mass_MeV=m, chunk_rows=4)
    seen = []
    # separate worker processes (the real set-up; loopback, no dashboard)
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=":0",  # a free port: a fixed one may be taken (a warning = error)
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        remote = scan(
            csi,
            "zprime",
            coupling=g,
            mass_MeV=m,
            chunk_rows=4,
            client=client,
            progress=lambda done, total: seen.append((done, total)),
        )
        generic = scan(
            csi,
            "nsi_vector_ee",
            eps_u=[-0.1, 0.3],
            eps_d=[0.0, 0.2],
            method="generic",
            client=cluster.scheduler_address,
        )
        # reduced results: χ² and totals only, float32; chunks chosen for the two workers
        reduced = scan(csi, "zprime", coupling=g, mass_MeV=m, client=client, keep="chi2",
                       dtype="float32", method="kernel")  # fmt: skip
        # a joint likelihood (Poisson profiles, warm-started within each chunk)
        lik = cc.Likelihood(["coherent_csi_2021", "coherent_lar_2020"])
        joint = scan(None, "zprime", data=lik, coupling=g[::3], mass_MeV=m[::4], client=client)
        # with the APV term: its χ² travels with the plan and is added on the workers
        apv_axes = {"R_n_fm": np.linspace(4.5, 6.5, 5), "sin2_theta_W": np.linspace(0.22, 0.26, 4)}
        apv_data = ["coherent_csi_2021", "apv_cs133"]
        apv = scan(None, "rn_sin2w", data=apv_data, client=client, chunk_rows=2, **apv_axes)
    assert reduced.info["chunks"] >= 8 and reduced.chi2.dtype == np.float32
    np.testing.assert_array_equal(
        reduced.chi2, scan(csi, "zprime", coupling=g, mass_MeV=m, keep="chi2", dtype="float32",
                           method="kernel", chunk_rows=reduced.info["chunk_rows"]).chi2
    )  # fmt: skip
    here = scan(None, "zprime", data=lik, coupling=g[::3], mass_MeV=m[::4])
    apv_here = scan(None, "rn_sin2w", data=apv_data, chunk_rows=2, **apv_axes)
    assert apv.info["backend"] == "dask" and "apv_cs133" in apv.info["external"]
    np.testing.assert_allclose(apv.chi2, apv_here.chi2, rtol=1e-12)
    near = here.delta_chi2 < 30  # far out the profile can end in another local minimum
    np.testing.assert_allclose(joint.chi2[near], here.chi2[near], rtol=1e-9)
    assert remote.info["backend"] == "dask" and remote.info["chunks"] == 6
    assert seen == [(k, 6) for k in range(1, 7)]
    np.testing.assert_array_equal(remote.bin_counts, local.bin_counts)
    np.testing.assert_array_equal(remote.chi2, local.chi2)
    reference = scan(csi, "nsi_vector_ee", eps_u=[-0.1, 0.3], eps_d=[0.0, 0.2], method="generic")
    np.testing.assert_array_equal(generic.bin_counts, reference.bin_counts)


def test_import_does_not_pull_in_dask_or_the_dashboard_stack():
    code = (
        "import sys, cevns_core, cevns_core.scans; "
        "bad = {'distributed', 'dask', 'panel', 'holoviews', 'bokeh'} & set(sys.modules); "
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_progress_text_and_callback(csi):
    stream = io.StringIO()
    scan(
        csi,
        "zprime",
        coupling=[1e-4, 1e-3, 1e-2],
        mass_MeV=[10.0],
        chunk_rows=1,
        progress=TextProgress("scan", stream=stream),
    )
    text = stream.getvalue()
    assert "3/3 chunks" in text and text.endswith("\n")
    quiet = io.StringIO()
    scan(
        csi,
        "zprime",
        coupling=[1e-4],
        mass_MeV=[10.0],
        progress=TextProgress("scan", stream=quiet, delay=60.0),
    )
    assert quiet.getvalue() == ""
