"""Fine-tune the sentence encoder on labelled intents (``voc intents train --finetune``).

Cross-entropy through the whole encoder with a cosine-softmax head (logits = s * cos(x, w_c)), then
the head is thrown away and the usual calibrated logistic regression is fitted on the fine-tuned,
still L2-normalised embeddings, so the artifact works like any other. Chosen over SetFit's
contrastive pairs because with ~100 examples per class a classification loss needs far fewer steps
(SetFit's default pair sampling is O(20 * n) pairs per epoch: hours on a CPU for Banking77).

CPU cost (MiniLM-L6, max 64 tokens, batch 32): about 1.5-2 s per step on 2 CPU cores, i.e. ~6 minutes
per epoch on Banking77's ~6,800 training texts of a CV fold (a whole 2-epoch fold took 14.5 min with the
embedding and the heads); Banking77 CV figures are in docs/evaluation.md.
"""
from __future__ import annotations

import logging
import math
import random
import time
from pathlib import Path
from typing import Callable, Optional, Sequence

import numpy as np

from voc.config import IntentTrainConfig

_TRAIN = IntentTrainConfig()   # fine-tuning defaults: intent.train in voc/config.py

log = logging.getLogger(__name__)


def finetune_encoder(base: str | Path, texts: Sequence[str], y: Sequence[int], out_dir: str | Path, *,
                     epochs: int = _TRAIN.finetune_epochs, lr: float = _TRAIN.finetune_lr, head_lr: float = 1e-2,
                     batch_size: int = _TRAIN.finetune_batch_size, max_seq_length: int = 64, scale: float = 20.0,
                     warmup: float = 0.1, seed: int = _TRAIN.seed,
                     device: str = "cpu", progress: Optional[Callable[[str], None]] = None) -> Path:
    """Fine-tune the encoder at ``base`` on (texts, integer labels) and save it to ``out_dir``."""
    import torch
    import torch.nn.functional as F
    from sentence_transformers import SentenceTransformer

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    model = SentenceTransformer(str(base), device=device, local_files_only=True)
    model.max_seq_length = min(model.max_seq_length or max_seq_length, max_seq_length)
    y_arr = np.asarray(y, dtype=np.int64)
    n_classes = int(y_arr.max()) + 1
    dim = model.get_embedding_dimension()
    head = torch.nn.Parameter(torch.randn(n_classes, dim, device=device) * 0.01)
    # Start the head at the class centroids of the frozen embeddings: training starts from a good solution.
    with torch.no_grad():
        e0 = torch.as_tensor(model.encode(list(texts), batch_size=128, convert_to_numpy=True), device=device)
        for c in range(n_classes):
            m = e0[torch.as_tensor(y_arr == c, device=device)]
            if len(m):
                head[c] = F.normalize(m.mean(0), dim=0)
    opt = torch.optim.AdamW([{"params": model.parameters(), "lr": lr}, {"params": [head], "lr": head_lr}], weight_decay=0.01)
    steps_per_epoch = math.ceil(len(texts) / batch_size)
    total = max(1, steps_per_epoch * epochs)
    n_warm = int(warmup * total)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: (s + 1) / max(1, n_warm) if s < n_warm else max(0.0, (total - s) / max(1, total - n_warm)))
    model.train()
    order = np.arange(len(texts))
    step, t0 = 0, time.perf_counter()
    for ep in range(epochs):
        np.random.shuffle(order)
        running = 0.0
        for b in range(0, len(order), batch_size):
            idx = order[b:b + batch_size]
            feats = model.tokenize([texts[i] for i in idx])
            feats = {k: (v.to(device) if hasattr(v, "to") else v) for k, v in feats.items()}
            emb = F.normalize(model(feats)["sentence_embedding"], dim=-1)
            logits = scale * emb @ F.normalize(head, dim=-1).T
            loss = F.cross_entropy(logits, torch.as_tensor(y_arr[idx], device=device))
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            step += 1
            running += float(loss.detach())
            if progress is not None and step % 50 == 0:
                progress(f"epoch {ep + 1}/{epochs} step {step}/{total} loss {running / 50:.4f} "
                         f"({time.perf_counter() - t0:.0f}s)")
                running = 0.0
    model.eval()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    model.save(str(out))
    log.info("fine-tuned encoder saved to %s after %d steps in %.0fs", out, step, time.perf_counter() - t0)
    return out
