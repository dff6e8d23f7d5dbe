"""AWS through aioboto3 behind the DataLayer: clients, discovery, CloudWatch metrics and alarms,
CloudWatch Logs, Cost Explorer and its paid-call cache. The AWS models live in
`console.data.aws_models`, beside the other models, so widgets never load this package.

Docstring only: importing the package loads neither aioboto3 nor botocore.
"""
