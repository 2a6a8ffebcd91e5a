"""remx's command-line tools: ``python -m mxnet.tools.launch`` starts a distributed job."""
