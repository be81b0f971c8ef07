// GitOps source: issue 8.
