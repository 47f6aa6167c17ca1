"""``functorch_lite.utils.data``: datasets, samplers and ``DataLoader`` (``torch.utils.data``)."""

from ._collate import default_collate as default_collate
from ._collate import default_convert as default_convert
from ._dataloader import DataLoader as DataLoader
from ._dataset import ChainDataset as ChainDataset
from ._dataset import ConcatDataset as ConcatDataset
from ._dataset import Dataset as Dataset
from ._dataset import IterableDataset as IterableDataset
from ._dataset import Subset as Subset
from ._dataset import TensorDataset as TensorDataset
from ._dataset import random_split as random_split
from ._sampler import BatchSampler as BatchSampler
from ._sampler import RandomSampler as RandomSampler
from ._sampler import Sampler as Sampler
from ._sampler import SequentialSampler as SequentialSampler
from ._sampler import SubsetRandomSampler as SubsetRandomSampler
from ._sampler import WeightedRandomSampler as WeightedRandomSampler
from ._worker import WorkerInfo as WorkerInfo
from ._worker import get_worker_info as get_worker_info

__all__ = [
    "BatchSampler",
    "ChainDataset",
    "ConcatDataset",
    "DataLoader",
    "Dataset",
    "IterableDataset",
    "RandomSampler",
    "Sampler",
    "SequentialSampler",
    "Subset",
    "SubsetRandomSampler",
    "TensorDataset",
    "WeightedRandomSampler",
    "WorkerInfo",
    "default_collate",
    "default_convert",
    "get_worker_info",
    "random_split",
]
