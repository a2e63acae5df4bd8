"""Exact cosine neighbours fed to UMAP (voc.nlp.topics.neighbours)."""
import numpy as np
import pytest

from voc.nlp.topics import neighbours
from voc.nlp.topics.neighbours import cosine_knn


def _unit(rng, n, d=16):
    x = rng.normal(size=(n, d)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_matches_brute_force_sort(monkeypatch):
    rng = np.random.default_rng(3)
    x = _unit(rng, 300)
    monkeypatch.setattr(neighbours, "BLOCK_BYTES", 4 * 300 * 7)   # several row blocks, one of them partial
    idx, dist = cosine_knn(x, 10)
    full = 1.0 - x.astype(np.float64) @ x.T.astype(np.float64)
    for i in range(len(x)):
        others = [j for j in np.argsort(full[i], kind="stable") if j != i][:9]
        assert idx[i, 0] == i and dist[i, 0] == 0.0
        assert list(idx[i, 1:]) == others
        np.testing.assert_allclose(dist[i, 1:], full[i, others], atol=1e-5)
    assert np.all(np.diff(dist, axis=1) >= 0)


def test_duplicates_keep_self_first_and_ties_by_index():
    x = np.array([[1.0, 0.0], [1.0, 0.0], [1.0, 0.0], [0.0, 1.0]], dtype=np.float32)
    idx, dist = cosine_knn(x, 3)
    assert idx.tolist()[:3] == [[0, 1, 2], [1, 0, 2], [2, 0, 1]]
    assert dist[:3].max() == 0.0
    assert idx[3, 0] == 3 and dist[3, 1] == pytest.approx(1.0)


def test_k_equal_to_n_and_bad_k():
    x = _unit(np.random.default_rng(0), 5)
    idx, _ = cosine_knn(x, 5)
    assert sorted(idx[2].tolist()) == [0, 1, 2, 3, 4] and idx[2, 0] == 2
    with pytest.raises(ValueError):
        cosine_knn(x, 6)
    with pytest.raises(ValueError):
        cosine_knn(x, 0)


def test_umap_functions_get_numba_disk_cache():
    import umap.layouts
    from numba.core.caching import NullCache

    from voc.nlp.topics.numba_cache import enable_umap_cache

    names = enable_umap_cache()
    # the layout epoch (the function each fit spends its time in) and the graph construction
    assert {"umap.layouts._nb_optimize_layout_euclidean_single_epoch", "umap.umap_.smooth_knn_dist",
            "umap.umap_.compute_membership_strengths"} <= set(names)
    assert not isinstance(umap.layouts._nb_optimize_layout_euclidean_single_epoch._cache, NullCache)
    assert enable_umap_cache() is names            # once per process
