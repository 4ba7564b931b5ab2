// Package deploy holds no code: it is the module of the deployment files in
// this folder (Dockerfile, compose.yaml, k8s/, grafana/), whose tests decode
// every manifest into the types the real consumers use (Kubernetes API
// types, compose-go, BuildKit's Dockerfile parser), so that a typo fails CI
// instead of a rollout. It is a module of its own so that those
// dependencies stay out of the service's module graph.
package deploy
