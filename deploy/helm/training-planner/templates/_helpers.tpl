{{/* Chart name, cut to the 63 characters a label value allows. */}}
{{- define "training-planner.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Release-qualified name; the agent objects append "-agent", so keep room for it. */}}
{{- define "training-planner.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 56 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 56 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 56 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "training-planner.agentName" -}}
{{- printf "%s-agent" (include "training-planner.fullname" .) }}
{{- end }}

{{- define "training-planner.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/name: {{ include "training-planner.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "training-planner.plannerSelectorLabels" -}}
app.kubernetes.io/name: {{ include "training-planner.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: planner
{{- end }}

{{- define "training-planner.agentSelectorLabels" -}}
app.kubernetes.io/name: {{ include "training-planner.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: agent
{{- end }}

{{- define "training-planner.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "training-planner.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "training-planner.secretName" -}}
{{- default (include "training-planner.fullname" .) .Values.database.existingSecret }}
{{- end }}

{{/* In-cluster URL of the planner Service, used by the agents. */}}
{{- define "training-planner.plannerUrl" -}}
{{- printf "http://%s.%s.svc:%d" (include "training-planner.fullname" .) .Release.Namespace (int .Values.service.port) }}
{{- end }}

{{/* DNS name of the agents' headless Service: resolves to the node address of every agent. */}}
{{- define "training-planner.agentPeersDns" -}}
{{- printf "%s.%s.svc" (include "training-planner.agentName" .) .Release.Namespace }}
{{- end }}

{{/* Non-root, no privilege escalation, read-only root file system: the images run as uid 10001. */}}
{{- define "training-planner.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
capabilities:
  drop:
    - ALL
{{- end }}

{{- define "training-planner.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
fsGroup: 10001
seccompProfile:
  type: RuntimeDefault
{{- end }}
