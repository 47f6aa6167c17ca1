"""``torch.nn``: modules, parameters, layers, losses, ``init``, ``functional``, ``utils``."""

from . import functional as functional
from . import init as init
from . import utils as utils
from ._activation import CELU as CELU
from ._activation import ELU as ELU
from ._activation import GELU as GELU
from ._activation import GLU as GLU
from ._activation import SELU as SELU
from ._activation import Hardshrink as Hardshrink
from ._activation import Hardsigmoid as Hardsigmoid
from ._activation import Hardswish as Hardswish
from ._activation import Hardtanh as Hardtanh
from ._activation import LeakyReLU as LeakyReLU
from ._activation import LogSigmoid as LogSigmoid
from ._activation import LogSoftmax as LogSoftmax
from ._activation import Mish as Mish
from ._activation import PReLU as PReLU
from ._activation import ReLU as ReLU
from ._activation import ReLU6 as ReLU6
from ._activation import RReLU as RReLU
from ._activation import Sigmoid as Sigmoid
from ._activation import SiLU as SiLU
from ._activation import Softmax as Softmax
from ._activation import Softmax2d as Softmax2d
from ._activation import Softmin as Softmin
from ._activation import Softplus as Softplus
from ._activation import Softshrink as Softshrink
from ._activation import Softsign as Softsign
from ._activation import Tanh as Tanh
from ._activation import Tanhshrink as Tanhshrink
from ._activation import Threshold as Threshold
from ._attention import MultiheadAttention as MultiheadAttention
from ._attention import (
    NonDynamicallyQuantizableLinear as NonDynamicallyQuantizableLinear,
)
from ._containers import ModuleDict as ModuleDict
from ._containers import ModuleList as ModuleList
from ._containers import ParameterDict as ParameterDict
from ._containers import ParameterList as ParameterList
from ._containers import Sequential as Sequential
from ._conv import Conv1d as Conv1d
from ._conv import Conv2d as Conv2d
from ._conv import Conv3d as Conv3d
from ._conv import ConvTranspose1d as ConvTranspose1d
from ._conv import ConvTranspose2d as ConvTranspose2d
from ._conv import ConvTranspose3d as ConvTranspose3d
from ._dropout import AlphaDropout as AlphaDropout
from ._dropout import Dropout as Dropout
from ._dropout import Dropout1d as Dropout1d
from ._dropout import Dropout2d as Dropout2d
from ._dropout import Dropout3d as Dropout3d
from ._dropout import FeatureAlphaDropout as FeatureAlphaDropout
from ._flatten import Flatten as Flatten
from ._flatten import Unflatten as Unflatten
from ._linear import Bilinear as Bilinear
from ._linear import Identity as Identity
from ._linear import LazyLinear as LazyLinear
from ._linear import Linear as Linear
from ._loss import BCELoss as BCELoss
from ._loss import BCEWithLogitsLoss as BCEWithLogitsLoss
from ._loss import CosineEmbeddingLoss as CosineEmbeddingLoss
from ._loss import CrossEntropyLoss as CrossEntropyLoss
from ._loss import CTCLoss as CTCLoss
from ._loss import GaussianNLLLoss as GaussianNLLLoss
from ._loss import HingeEmbeddingLoss as HingeEmbeddingLoss
from ._loss import HuberLoss as HuberLoss
from ._loss import KLDivLoss as KLDivLoss
from ._loss import L1Loss as L1Loss
from ._loss import MarginRankingLoss as MarginRankingLoss
from ._loss import MSELoss as MSELoss
from ._loss import MultiLabelSoftMarginLoss as MultiLabelSoftMarginLoss
from ._loss import MultiMarginLoss as MultiMarginLoss
from ._loss import NLLLoss as NLLLoss
from ._loss import PoissonNLLLoss as PoissonNLLLoss
from ._loss import SmoothL1Loss as SmoothL1Loss
from ._loss import SoftMarginLoss as SoftMarginLoss
from ._loss import TripletMarginLoss as TripletMarginLoss
from ._loss import TripletMarginWithDistanceLoss as TripletMarginWithDistanceLoss
from ._module import Module as Module
from ._normalization import BatchNorm1d as BatchNorm1d
from ._normalization import BatchNorm2d as BatchNorm2d
from ._normalization import BatchNorm3d as BatchNorm3d
from ._normalization import GroupNorm as GroupNorm
from ._normalization import InstanceNorm1d as InstanceNorm1d
from ._normalization import InstanceNorm2d as InstanceNorm2d
from ._normalization import InstanceNorm3d as InstanceNorm3d
from ._normalization import LayerNorm as LayerNorm
from ._normalization import LocalResponseNorm as LocalResponseNorm
from ._normalization import RMSNorm as RMSNorm
from ._padding import CircularPad1d as CircularPad1d
from ._padding import CircularPad2d as CircularPad2d
from ._padding import CircularPad3d as CircularPad3d
from ._padding import ConstantPad1d as ConstantPad1d
from ._padding import ConstantPad2d as ConstantPad2d
from ._padding import ConstantPad3d as ConstantPad3d
from ._padding import ReflectionPad1d as ReflectionPad1d
from ._padding import ReflectionPad2d as ReflectionPad2d
from ._padding import ReflectionPad3d as ReflectionPad3d
from ._padding import ReplicationPad1d as ReplicationPad1d
from ._padding import ReplicationPad2d as ReplicationPad2d
from ._padding import ReplicationPad3d as ReplicationPad3d
from ._padding import ZeroPad1d as ZeroPad1d
from ._padding import ZeroPad2d as ZeroPad2d
from ._padding import ZeroPad3d as ZeroPad3d
from ._parameter import Buffer as Buffer
from ._parameter import Parameter as Parameter
from ._parameter import UninitializedParameter as UninitializedParameter
from ._pooling import AdaptiveAvgPool1d as AdaptiveAvgPool1d
from ._pooling import AdaptiveAvgPool2d as AdaptiveAvgPool2d
from ._pooling import AdaptiveAvgPool3d as AdaptiveAvgPool3d
from ._pooling import AdaptiveMaxPool1d as AdaptiveMaxPool1d
from ._pooling import AdaptiveMaxPool2d as AdaptiveMaxPool2d
from ._pooling import AvgPool1d as AvgPool1d
from ._pooling import AvgPool2d as AvgPool2d
from ._pooling import AvgPool3d as AvgPool3d
from ._pooling import LPPool1d as LPPool1d
from ._pooling import LPPool2d as LPPool2d
from ._pooling import MaxPool1d as MaxPool1d
from ._pooling import MaxPool2d as MaxPool2d
from ._pooling import MaxPool3d as MaxPool3d
from ._rnn import GRU as GRU
from ._rnn import LSTM as LSTM
from ._rnn import RNN as RNN
from ._rnn import GRUCell as GRUCell
from ._rnn import LSTMCell as LSTMCell

# Sequence models (owned by the sequence-models area).
from ._rnn import RNNBase as RNNBase
from ._rnn import RNNCell as RNNCell
from ._rnn import RNNCellBase as RNNCellBase
from ._sparse import Embedding as Embedding
from ._sparse import EmbeddingBag as EmbeddingBag
from ._transformer import Transformer as Transformer
from ._transformer import TransformerDecoder as TransformerDecoder
from ._transformer import TransformerDecoderLayer as TransformerDecoderLayer
from ._transformer import TransformerEncoder as TransformerEncoder
from ._transformer import TransformerEncoderLayer as TransformerEncoderLayer
from ._upsampling import PixelShuffle as PixelShuffle
from ._upsampling import PixelUnshuffle as PixelUnshuffle
from ._upsampling import Upsample as Upsample
from ._upsampling import UpsamplingBilinear2d as UpsamplingBilinear2d
from ._upsampling import UpsamplingNearest2d as UpsamplingNearest2d

__all__ = [  # noqa: RUF022
    "functional",
    "init",
    "utils",
    "Module",
    "Parameter",
    "Buffer",
    "UninitializedParameter",
    "Sequential",
    "ModuleList",
    "ModuleDict",
    "ParameterList",
    "ParameterDict",
    "Identity",
    "Linear",
    "Bilinear",
    "LazyLinear",
    "ReLU",
    "ReLU6",
    "LeakyReLU",
    "ELU",
    "SELU",
    "CELU",
    "GELU",
    "SiLU",
    "Mish",
    "Softplus",
    "Softsign",
    "Sigmoid",
    "Tanh",
    "Softmax",
    "LogSoftmax",
    "Softmin",
    "Hardtanh",
    "Hardsigmoid",
    "Hardswish",
    "LogSigmoid",
    "PReLU",
    "Threshold",
    "Tanhshrink",
    "Softshrink",
    "Hardshrink",
    "GLU",
    "RReLU",
    "Softmax2d",
    "Conv1d",
    "Conv2d",
    "Conv3d",
    "ConvTranspose1d",
    "ConvTranspose2d",
    "ConvTranspose3d",
    "MaxPool1d",
    "MaxPool2d",
    "MaxPool3d",
    "AvgPool1d",
    "AvgPool2d",
    "AvgPool3d",
    "AdaptiveAvgPool1d",
    "AdaptiveAvgPool2d",
    "AdaptiveAvgPool3d",
    "AdaptiveMaxPool1d",
    "AdaptiveMaxPool2d",
    "LPPool1d",
    "LPPool2d",
    "BatchNorm1d",
    "BatchNorm2d",
    "BatchNorm3d",
    "LayerNorm",
    "GroupNorm",
    "InstanceNorm1d",
    "InstanceNorm2d",
    "InstanceNorm3d",
    "RMSNorm",
    "LocalResponseNorm",
    "Dropout",
    "Dropout1d",
    "Dropout2d",
    "Dropout3d",
    "AlphaDropout",
    "FeatureAlphaDropout",
    "Embedding",
    "EmbeddingBag",
    "Flatten",
    "Unflatten",
    "Upsample",
    "UpsamplingNearest2d",
    "UpsamplingBilinear2d",
    "PixelShuffle",
    "PixelUnshuffle",
    "ConstantPad1d",
    "ConstantPad2d",
    "ConstantPad3d",
    "ZeroPad1d",
    "ZeroPad2d",
    "ZeroPad3d",
    "ReflectionPad1d",
    "ReflectionPad2d",
    "ReflectionPad3d",
    "ReplicationPad1d",
    "ReplicationPad2d",
    "ReplicationPad3d",
    "CircularPad1d",
    "CircularPad2d",
    "CircularPad3d",
    "L1Loss",
    "MSELoss",
    "CrossEntropyLoss",
    "NLLLoss",
    "BCELoss",
    "BCEWithLogitsLoss",
    "KLDivLoss",
    "SmoothL1Loss",
    "HuberLoss",
    "CTCLoss",
    "CosineEmbeddingLoss",
    "MarginRankingLoss",
    "TripletMarginLoss",
    "GaussianNLLLoss",
    "PoissonNLLLoss",
    "SoftMarginLoss",
    "MultiLabelSoftMarginLoss",
    "HingeEmbeddingLoss",
    "MultiMarginLoss",
    "TripletMarginWithDistanceLoss",
    "RNNBase",
    "RNN",
    "LSTM",
    "GRU",
    "RNNCellBase",
    "RNNCell",
    "LSTMCell",
    "GRUCell",
    "MultiheadAttention",
    "NonDynamicallyQuantizableLinear",
    "TransformerEncoderLayer",
    "TransformerEncoder",
    "TransformerDecoderLayer",
    "TransformerDecoder",
    "Transformer",
]
