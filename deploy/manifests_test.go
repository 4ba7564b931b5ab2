package deploy_test

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	cnpgv1 "github.com/cloudnative-pg/cloudnative-pg/api/v1"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/yaml"
)

// objects is what one kustomize build produced, decoded.
type objects struct {
	deployments  []*appsv1.Deployment
	jobs         []*batchv1.Job
	services     []*corev1.Service
	secrets      []*corev1.Secret
	configMaps   []*corev1.ConfigMap
	accounts     []*corev1.ServiceAccount
	pvcs         []*corev1.PersistentVolumeClaim
	namespaces   []*corev1.Namespace
	hpas         []*autoscalingv2.HorizontalPodAutoscaler
	pdbs         []*policyv1.PodDisruptionBudget
	policies     []*networkingv1.NetworkPolicy
	ingresses    []*networkingv1.Ingress
	clusters     []*cnpgv1.Cluster
	namespaceSet map[string]bool // namespaces of the namespaced objects
}

// build runs kustomize on a folder of this repository, as `kubectl apply -k`
// would, and decodes every object strictly into the API type its apiVersion
// and kind name: an unknown field, a misspelt kind or a value of the wrong
// type fails.
func build(t *testing.T, dir string) *objects {
	t.Helper()
	k := krusty.MakeKustomizer(krusty.MakeDefaultOptions())
	m, err := k.Run(filesys.MakeFsOnDisk(), dir)
	if err != nil {
		t.Fatalf("kustomize build %s: %v", dir, err)
	}
	o := &objects{namespaceSet: map[string]bool{}}
	for _, r := range m.Resources() {
		b, err := r.AsYAML()
		if err != nil {
			t.Fatal(err)
		}
		gvk := r.GetApiVersion() + " " + r.GetKind()
		where := fmt.Sprintf("%s: %s %s", dir, gvk, r.GetName())
		// decode fills a new T from the object, refusing unknown fields.
		var obj any
		switch gvk {
		case "apps/v1 Deployment":
			obj = decode(t, where, b, &o.deployments)
		case "batch/v1 Job":
			obj = decode(t, where, b, &o.jobs)
		case "v1 Service":
			obj = decode(t, where, b, &o.services)
		case "v1 Secret":
			obj = decode(t, where, b, &o.secrets)
		case "v1 ConfigMap":
			obj = decode(t, where, b, &o.configMaps)
		case "v1 ServiceAccount":
			obj = decode(t, where, b, &o.accounts)
		case "v1 PersistentVolumeClaim":
			obj = decode(t, where, b, &o.pvcs)
		case "v1 Namespace":
			decode(t, where, b, &o.namespaces)
			continue
		case "autoscaling/v2 HorizontalPodAutoscaler":
			obj = decode(t, where, b, &o.hpas)
		case "policy/v1 PodDisruptionBudget":
			obj = decode(t, where, b, &o.pdbs)
		case "networking.k8s.io/v1 NetworkPolicy":
			obj = decode(t, where, b, &o.policies)
		case "networking.k8s.io/v1 Ingress":
			obj = decode(t, where, b, &o.ingresses)
		case "postgresql.cnpg.io/v1 Cluster":
			obj = decode(t, where, b, &o.clusters)
		default:
			t.Errorf("%s: no test decodes this kind; add it to build()", where)
			continue
		}
		o.namespaceSet[obj.(metav1.Object).GetNamespace()] = true
	}
	return o
}

func decode[T any](t *testing.T, where string, b []byte, into *[]*T) *T {
	t.Helper()
	v := new(T)
	if err := yaml.UnmarshalStrict(b, v); err != nil {
		t.Errorf("%s: %v", where, err)
	}
	*into = append(*into, v)
	return v
}

func TestKustomizeBase(t *testing.T) {
	o := build(t, "k8s/base")
	checkObjects(t, o, nil)
	if len(o.secrets) == 0 {
		t.Error("the base has no Secrets: the keys and the court CA must be declared there")
	}
}

func TestKustomizeProduction(t *testing.T) {
	base := build(t, "k8s/base")
	o := build(t, "k8s/overlays/production")
	// The overlay leaves the Secrets to `kubectl create secret`, under the
	// names the base declares; a pod referring to any other name fails.
	var created []string
	for _, s := range base.secrets {
		created = append(created, s.Name)
	}
	checkObjects(t, o, created)
	if len(o.secrets) != 0 {
		t.Errorf("production applies Secrets %v: an apply would overwrite the real keys", names(o.secrets))
	}
	for _, d := range o.deployments {
		for _, c := range d.Spec.Template.Spec.Containers {
			if !strings.HasPrefix(c.Image, "registry.example.gov.cn/ipcase/ipcase:") || strings.HasSuffix(c.Image, ":latest") || strings.HasSuffix(c.Image, ":dev") {
				t.Errorf("production %s runs image %q: pin a release", d.Name, c.Image)
			}
		}
		if b := find(base.deployments, d.Name); b != nil && b.Spec.Replicas != nil && (d.Spec.Replicas == nil || *d.Spec.Replicas <= *b.Spec.Replicas) {
			t.Errorf("production %s has %v replicas, not more than the base's %d", d.Name, d.Spec.Replicas, *b.Spec.Replicas)
		}
	}
	for _, h := range o.hpas {
		if b := find(base.hpas, h.Name); b != nil && h.Spec.MaxReplicas <= b.Spec.MaxReplicas {
			t.Errorf("production HPA %s allows %d replicas, not more than the base's %d", h.Name, h.Spec.MaxReplicas, b.Spec.MaxReplicas)
		}
	}
	if len(o.clusters) != 1 || o.clusters[0].Spec.Instances < 3 {
		t.Errorf("production needs one database cluster of at least 3 instances")
	}
	if len(o.ingresses) != 1 || len(o.ingresses[0].Spec.TLS) == 0 {
		t.Errorf("production needs the gateway's Ingress with TLS")
	} else {
		ing := o.ingresses[0]
		for _, rule := range ing.Spec.Rules {
			for _, p := range rule.HTTP.Paths {
				s := find(o.services, p.Backend.Service.Name)
				if s == nil || !slices.ContainsFunc(s.Spec.Ports, func(sp corev1.ServicePort) bool { return sp.Name == p.Backend.Service.Port.Name }) {
					t.Errorf("Ingress %s sends %s to %s:%s, which no Service has", ing.Name, p.Path, p.Backend.Service.Name, p.Backend.Service.Port.Name)
				}
			}
		}
	}
}

// checkObjects checks what a typo would break and an operator relies on.
// external names Secrets that are created outside the build.
func checkObjects(t *testing.T, o *objects, external []string) {
	t.Helper()
	if len(o.namespaces) != 1 {
		t.Fatalf("want one Namespace, got %d", len(o.namespaces))
	}
	if want := map[string]bool{o.namespaces[0].Name: true}; len(o.namespaceSet) != 1 || !o.namespaceSet[o.namespaces[0].Name] {
		t.Errorf("objects are in namespaces %v, want all in %v", o.namespaceSet, want)
	}
	for _, name := range []string{"ipcased-administrative", "ipcased-judicial", "ipcase-gateway"} {
		if find(o.deployments, name) == nil {
			t.Errorf("no Deployment %s", name)
		}
	}
	if len(o.clusters) != 1 {
		t.Fatalf("want one CloudNativePG Cluster, got %d", len(o.clusters))
	}
	db := o.clusters[0]
	if db.Spec.Bootstrap == nil || db.Spec.Bootstrap.InitDB == nil || db.Spec.Bootstrap.InitDB.Database != "ipcase" || db.Spec.Bootstrap.InitDB.Owner != "ipcase" {
		t.Errorf("Cluster %s must bootstrap the database ipcase owned by ipcase", db.Name)
	}
	if db.Spec.Instances < 2 {
		t.Errorf("Cluster %s has %d instances: a primary and at least one replica", db.Name, db.Spec.Instances)
	}
	// Durable commits: nothing in the cluster's parameters may let Postgres
	// acknowledge a commit a crash could lose.
	for k, v := range db.Spec.PostgresConfiguration.Parameters {
		if bad := notDurable(k + "=" + v); bad != "" {
			t.Errorf("Cluster %s sets %s: an acknowledged write could be lost in a crash", db.Name, bad)
		}
	}
	// The operator creates <cluster>-app for the owner.
	appSecret := db.Name + "-app"
	secrets := map[string]bool{appSecret: true}
	for _, s := range o.secrets {
		secrets[s.Name] = true
	}
	for _, s := range external {
		secrets[s] = true
	}
	serving := checkServingRole(t, db, o.secrets, secrets)
	configMaps := map[string]bool{}
	for _, c := range o.configMaps {
		configMaps[c.Name] = true
	}
	claims := map[string]bool{}
	for _, c := range o.pvcs {
		claims[c.Name] = true
	}
	accounts := map[string]bool{"": true}
	for _, a := range o.accounts {
		accounts[a.Name] = true
	}

	type pod struct {
		owner  string
		labels map[string]string
		spec   *corev1.PodSpec
	}
	var pods []pod
	sides := map[string]bool{}
	for _, d := range o.deployments {
		where := "Deployment " + d.Name
		sel, err := metav1.LabelSelectorAsSelector(d.Spec.Selector)
		if err != nil || sel.Empty() || !sel.Matches(labels.Set(d.Spec.Template.Labels)) {
			t.Errorf("%s: selector %v does not select its own pods %v", where, d.Spec.Selector, d.Spec.Template.Labels)
		}
		spec := &d.Spec.Template.Spec
		pods = append(pods, pod{where, d.Spec.Template.Labels, spec})
		for _, c := range spec.Containers {
			cw := where + " container " + c.Name
			if c.ReadinessProbe == nil || c.LivenessProbe == nil {
				t.Errorf("%s: needs both a readiness and a liveness probe", cw)
				continue
			}
			for kind, p := range map[string]*corev1.Probe{"readiness": c.ReadinessProbe, "liveness": c.LivenessProbe} {
				if !probePortDeclared(p, c.Ports) {
					t.Errorf("%s: %s probe's port is not one of the container's ports %v", cw, kind, c.Ports)
				}
			}
			if c.Resources.Requests.Cpu().IsZero() || c.Resources.Limits.Memory().IsZero() {
				t.Errorf("%s: needs a CPU request (the HPA scales on it) and a memory limit", cw)
			}
			for _, e := range c.Env {
				if e.Name == "IPCASE_SIDE" {
					sides[e.Value] = true
				}
			}
		}
		if strings.HasPrefix(d.Name, "ipcased-") {
			side := strings.TrimPrefix(d.Name, "ipcased-")
			c := spec.Containers[0]
			if env(c, "IPCASE_SIDE") != side {
				t.Errorf("%s: IPCASE_SIDE is %q, want %q", where, env(c, "IPCASE_SIDE"), side)
			}
			for _, p := range []*corev1.Probe{c.ReadinessProbe, c.LivenessProbe} {
				if p != nil && (p.GRPC == nil || p.GRPC.Port != 7070) {
					t.Errorf("%s: probes must ask grpc.health.v1 on 7070", where)
				}
			}
		}
	}
	for _, s := range []string{"administrative", "judicial"} {
		if !sides[s] {
			t.Errorf("no Deployment runs IPCASE_SIDE=%s", s)
		}
	}
	if g := find(o.deployments, "ipcase-gateway"); g != nil {
		if p := g.Spec.Template.Spec.Containers[0].ReadinessProbe; p == nil || p.HTTPGet == nil || p.HTTPGet.Path != "/healthz" {
			t.Error("Deployment ipcase-gateway: readiness must GET /healthz")
		}
	}
	migrates := false
	for _, j := range o.jobs {
		pods = append(pods, pod{"Job " + j.Name, j.Spec.Template.Labels, &j.Spec.Template.Spec})
		for _, c := range j.Spec.Template.Spec.Containers {
			if slices.Equal(c.Args, []string{"migrate"}) && len(c.Command) == 0 {
				migrates = true
			}
		}
	}
	if !migrates {
		t.Error("no Job runs `ipcased migrate`")
	}
	for _, p := range pods {
		checkPodSecurity(t, p.owner, p.spec)
		if !accounts[p.spec.ServiceAccountName] {
			t.Errorf("%s: ServiceAccount %q is not in the build", p.owner, p.spec.ServiceAccountName)
		}
		for _, c := range p.spec.Containers {
			if c.Image == "" {
				t.Errorf("%s: container %s has no image", p.owner, c.Name)
			}
			for _, e := range c.Env {
				if r := e.ValueFrom; r != nil && r.SecretKeyRef != nil && !secrets[r.SecretKeyRef.Name] {
					t.Errorf("%s: env %s refers to Secret %q, which nothing creates", p.owner, e.Name, r.SecretKeyRef.Name)
				}
				if r := e.ValueFrom; r != nil && r.ConfigMapKeyRef != nil && !configMaps[r.ConfigMapKeyRef.Name] {
					t.Errorf("%s: env %s refers to ConfigMap %q, which is not in the build", p.owner, e.Name, r.ConfigMapKeyRef.Name)
				}
			}
			checkDatabaseEnv(t, p.owner, c, db.Name, appSecret, serving)
			for _, e := range c.EnvFrom {
				if e.ConfigMapRef != nil && !configMaps[e.ConfigMapRef.Name] {
					t.Errorf("%s: envFrom ConfigMap %q is not in the build", p.owner, e.ConfigMapRef.Name)
				}
				if e.SecretRef != nil && !secrets[e.SecretRef.Name] {
					t.Errorf("%s: envFrom Secret %q, which nothing creates", p.owner, e.SecretRef.Name)
				}
			}
			for _, m := range c.VolumeMounts {
				if !slices.ContainsFunc(p.spec.Volumes, func(v corev1.Volume) bool { return v.Name == m.Name }) {
					t.Errorf("%s: mounts volume %q, which the pod does not have", p.owner, m.Name)
				}
			}
		}
		for _, v := range p.spec.Volumes {
			switch {
			case v.Secret != nil && !secrets[v.Secret.SecretName]:
				t.Errorf("%s: volume %s is Secret %q, which nothing creates", p.owner, v.Name, v.Secret.SecretName)
			case v.ConfigMap != nil && !configMaps[v.ConfigMap.Name]:
				t.Errorf("%s: volume %s is ConfigMap %q, which is not in the build", p.owner, v.Name, v.ConfigMap.Name)
			case v.PersistentVolumeClaim != nil && !claims[v.PersistentVolumeClaim.ClaimName]:
				t.Errorf("%s: volume %s is claim %q, which is not in the build", p.owner, v.Name, v.PersistentVolumeClaim.ClaimName)
			}
		}
	}

	// deploymentFor returns the Deployment whose pods sel selects.
	deploymentFor := func(sel labels.Selector) *appsv1.Deployment {
		for _, d := range o.deployments {
			if sel.Matches(labels.Set(d.Spec.Template.Labels)) {
				return d
			}
		}
		return nil
	}
	for _, s := range o.services {
		d := deploymentFor(labels.SelectorFromSet(s.Spec.Selector))
		if len(s.Spec.Selector) == 0 || d == nil {
			t.Errorf("Service %s: selector %v selects no Deployment's pods", s.Name, s.Spec.Selector)
			continue
		}
		for _, sp := range s.Spec.Ports {
			if !portDeclared(sp.TargetPort, d.Spec.Template.Spec.Containers[0].Ports) {
				t.Errorf("Service %s: targetPort %s is not a port of %s", s.Name, sp.TargetPort.String(), d.Name)
			}
		}
	}
	hpaMin := map[string]int32{}
	for _, h := range o.hpas {
		ref := h.Spec.ScaleTargetRef
		d := find(o.deployments, ref.Name)
		if ref.APIVersion != "apps/v1" || ref.Kind != "Deployment" || d == nil {
			t.Errorf("HPA %s scales %s %s %q, which is not a Deployment in the build", h.Name, ref.APIVersion, ref.Kind, ref.Name)
			continue
		}
		if h.Spec.MinReplicas == nil || *h.Spec.MinReplicas < 2 || h.Spec.MaxReplicas < *h.Spec.MinReplicas {
			t.Errorf("HPA %s: want 2 <= minReplicas <= maxReplicas", h.Name)
			continue
		}
		if d.Spec.Replicas != nil && *d.Spec.Replicas < *h.Spec.MinReplicas {
			t.Errorf("Deployment %s starts at %d replicas, below its HPA's minimum %d", d.Name, *d.Spec.Replicas, *h.Spec.MinReplicas)
		}
		hpaMin[d.Name] = *h.Spec.MinReplicas
	}
	for _, d := range o.deployments {
		if _, ok := hpaMin[d.Name]; !ok {
			t.Errorf("Deployment %s has no HorizontalPodAutoscaler", d.Name)
		}
	}
	covered := map[string]bool{}
	for _, p := range o.pdbs {
		sel, err := metav1.LabelSelectorAsSelector(p.Spec.Selector)
		d := deploymentFor(sel)
		if err != nil || sel.Empty() || d == nil {
			t.Errorf("PDB %s: selector %v selects no Deployment's pods", p.Name, p.Spec.Selector)
			continue
		}
		covered[d.Name] = true
		// A budget that needs every replica the HPA may leave blocks node
		// drains for good.
		if p.Spec.MinAvailable == nil || p.Spec.MinAvailable.IntValue() < 1 || int32(p.Spec.MinAvailable.IntValue()) >= hpaMin[d.Name] {
			t.Errorf("PDB %s: minAvailable %v must be at least 1 and below the HPA's minimum %d for %s", p.Name, p.Spec.MinAvailable, hpaMin[d.Name], d.Name)
		}
	}
	for _, d := range o.deployments {
		if !covered[d.Name] {
			t.Errorf("Deployment %s has no PodDisruptionBudget", d.Name)
		}
	}

	// Every NetworkPolicy (but the default deny) and every peer it names
	// must select pods that exist: ipcase's, or the database cluster's,
	// which the operator labels cnpg.io/cluster.
	podLabels := []labels.Set{{"cnpg.io/cluster": db.Name}}
	for _, p := range pods {
		podLabels = append(podLabels, p.labels)
	}
	selects := func(s *metav1.LabelSelector) bool {
		sel, err := metav1.LabelSelectorAsSelector(s)
		return err == nil && slices.ContainsFunc(podLabels, func(l labels.Set) bool { return sel.Matches(l) })
	}
	denyAll := false
	for _, np := range o.policies {
		if len(np.Spec.PodSelector.MatchLabels) == 0 && len(np.Spec.PodSelector.MatchExpressions) == 0 {
			denyAll = denyAll || (len(np.Spec.Ingress) == 0 && slices.Contains(np.Spec.PolicyTypes, networkingv1.PolicyTypeIngress))
			continue
		}
		if !selects(&np.Spec.PodSelector) {
			t.Errorf("NetworkPolicy %s: podSelector %v selects no pod", np.Name, np.Spec.PodSelector)
		}
		for _, rule := range np.Spec.Ingress {
			for _, peer := range rule.From {
				if peer.PodSelector != nil && peer.NamespaceSelector == nil && !selects(peer.PodSelector) {
					t.Errorf("NetworkPolicy %s: peer %v selects no pod in the namespace", np.Name, peer.PodSelector)
				}
			}
		}
	}
	if !denyAll {
		t.Error("no default-deny ingress NetworkPolicy")
	}
}

// servingRole is the database role ipcased serves as, and the Secret of its
// password.
type servingRole struct{ name, secret string }

// checkServingRole wants the Cluster to declare, besides the owner, the
// role ipcased serves as: a managed login role with no power beyond
// logging in (ipcased migrate grants it the rest), whose password Secret
// exists (in the base: a basic-auth Secret naming the role).
func checkServingRole(t *testing.T, db *cnpgv1.Cluster, built []*corev1.Secret, secrets map[string]bool) servingRole {
	t.Helper()
	var roles []cnpgv1.RoleConfiguration
	if db.Spec.Managed != nil {
		roles = db.Spec.Managed.Roles
	}
	i := slices.IndexFunc(roles, func(r cnpgv1.RoleConfiguration) bool { return r.Login && r.Name != db.Spec.Bootstrap.InitDB.Owner })
	if i < 0 {
		t.Errorf("Cluster %s declares no serving role (spec.managed.roles, login): ipcased would serve as the owner", db.Name)
		return servingRole{}
	}
	r := roles[i]
	if r.Superuser || r.CreateDB || r.CreateRole || r.Replication || r.BypassRLS || len(r.InRoles) > 0 || r.Ensure == cnpgv1.EnsureAbsent {
		t.Errorf("Cluster %s: serving role %s must be present and have no superuser, createdb, createrole, replication, bypassrls or other roles", db.Name, r.Name)
	}
	if r.PasswordSecret == nil || !secrets[r.PasswordSecret.Name] {
		t.Errorf("Cluster %s: serving role %s needs a passwordSecret that exists", db.Name, r.Name)
		return servingRole{name: r.Name}
	}
	if s := find(built, r.PasswordSecret.Name); s != nil && (s.Type != corev1.SecretTypeBasicAuth || s.StringData["username"] != r.Name) {
		t.Errorf("Secret %s: want type %s with username %s, for CloudNativePG", s.Name, corev1.SecretTypeBasicAuth, r.Name)
	}
	return servingRole{name: r.Name, secret: r.PasswordSecret.Name}
}

// checkDatabaseEnv wants the owner's credentials in the migration Job
// only, and every ipcased container connected as the serving role.
func checkDatabaseEnv(t *testing.T, owner string, c corev1.Container, cluster, appSecret string, serving servingRole) {
	t.Helper()
	job, ipcased := strings.HasPrefix(owner, "Job "), slices.Equal(c.Args, []string{"serve"})
	fromSecret := func(e corev1.EnvVar) *corev1.SecretKeySelector {
		if e.ValueFrom == nil {
			return nil
		}
		return e.ValueFrom.SecretKeyRef
	}
	has := map[string]bool{}
	for _, e := range c.Env {
		has[e.Name] = true
		if r := fromSecret(e); r != nil && r.Name == appSecret && !(job && e.Name == "DATABASE_OWNER_URL" && r.Key == "uri") {
			t.Errorf("%s: env %s comes from the owner's Secret %s: only the migration Job's DATABASE_OWNER_URL may", owner, e.Name, appSecret)
		}
		switch e.Name {
		case "DATABASE_URL", "DATABASE_READ_URL":
			host := cluster + "-rw"
			if e.Name == "DATABASE_READ_URL" {
				host = cluster + "-ro"
			}
			u, err := url.Parse(e.Value)
			if err != nil || u.User == nil || u.User.Username() != serving.name || u.Hostname() != host {
				t.Errorf("%s: %s %q must name the serving role %s at %s", owner, e.Name, e.Value, serving.name, host)
			}
			if _, set := u.User.Password(); set {
				t.Errorf("%s: %s carries a password: give it in PGPASSWORD, from a Secret", owner, e.Name)
			}
		case "PGPASSWORD":
			if r := fromSecret(e); r == nil || r.Name != serving.secret || r.Key != "password" {
				t.Errorf("%s: PGPASSWORD must come from the Secret %s, key password", owner, serving.secret)
			}
		case "IPCASE_DB_SERVING_ROLE":
			if e.Value != serving.name {
				t.Errorf("%s: IPCASE_DB_SERVING_ROLE is %q, not the Cluster's serving role %s", owner, e.Value, serving.name)
			}
		}
	}
	switch {
	case job && slices.Equal(c.Args, []string{"migrate"}) && (!has["DATABASE_OWNER_URL"] || !has["IPCASE_DB_SERVING_ROLE"]):
		t.Errorf("%s: migrate needs DATABASE_OWNER_URL (the owner) and IPCASE_DB_SERVING_ROLE", owner)
	case ipcased && (!has["DATABASE_URL"] || !has["PGPASSWORD"] || has["DATABASE_OWNER_URL"]):
		t.Errorf("%s: ipcased serve needs DATABASE_URL and PGPASSWORD of the serving role, and never DATABASE_OWNER_URL", owner)
	}
}

// checkPodSecurity wants every container non-root, with a read-only root
// file system, no privilege escalation and no capabilities.
func checkPodSecurity(t *testing.T, owner string, spec *corev1.PodSpec) {
	t.Helper()
	podNonRoot := spec.SecurityContext != nil && spec.SecurityContext.RunAsNonRoot != nil && *spec.SecurityContext.RunAsNonRoot
	for _, c := range spec.Containers {
		sc := c.SecurityContext
		nonRoot := podNonRoot
		if sc != nil && sc.RunAsNonRoot != nil {
			nonRoot = *sc.RunAsNonRoot
		}
		if !nonRoot {
			t.Errorf("%s: container %s may run as root: set runAsNonRoot", owner, c.Name)
		}
		if sc == nil || sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem ||
			sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation ||
			sc.Capabilities == nil || !slices.Equal(sc.Capabilities.Drop, []corev1.Capability{"ALL"}) {
			t.Errorf("%s: container %s needs readOnlyRootFilesystem, allowPrivilegeEscalation false and capabilities drop [ALL]", owner, c.Name)
		}
	}
}

func probePortDeclared(p *corev1.Probe, ports []corev1.ContainerPort) bool {
	switch {
	case p.GRPC != nil:
		return portDeclared(intstr.FromInt32(p.GRPC.Port), ports)
	case p.HTTPGet != nil:
		return portDeclared(p.HTTPGet.Port, ports)
	case p.TCPSocket != nil:
		return portDeclared(p.TCPSocket.Port, ports)
	}
	return false
}

func portDeclared(port intstr.IntOrString, ports []corev1.ContainerPort) bool {
	return slices.ContainsFunc(ports, func(cp corev1.ContainerPort) bool {
		if port.Type == intstr.String {
			return cp.Name == port.StrVal
		}
		return cp.ContainerPort == port.IntVal
	})
}

func env(c corev1.Container, name string) string {
	for _, e := range c.Env {
		if e.Name == name {
			return e.Value
		}
	}
	return ""
}

func find[T any, PT interface {
	*T
	metav1.Object
}](list []PT, name string) PT {
	for _, o := range list {
		if o.GetName() == name {
			return o
		}
	}
	return nil
}

func names[T any, PT interface {
	*T
	metav1.Object
}](list []PT) []string {
	var out []string
	for _, o := range list {
		out = append(out, o.GetName())
	}
	return out
}
