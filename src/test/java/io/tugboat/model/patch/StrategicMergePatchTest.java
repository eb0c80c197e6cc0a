package io.tugboat.model.patch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class StrategicMergePatchTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode json(String s) throws Exception {
    return JSON.readTree(s.replace('\'', '"'));
  }

  private static JsonNode smp(String kind, String target, String patch) throws Exception {
    return StrategicMergePatch.apply(kind, json(target), json(patch));
  }

  private static String failure(String kind, String target, String patch) throws Exception {
    JsonNode t = json(target);
    JsonNode p = json(patch);
    return assertThrows(PatchException.class, () -> StrategicMergePatch.apply(kind, t, p)).getMessage();
  }

  private static final String DEPLOYMENT = "{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'nginx',"
      + "'annotations':{'deployment.kubernetes.io/revision':'1','kubectl.kubernetes.io/last-applied-configuration':"
      + "'{\\'old\\':true}'}},'spec':{'replicas':2,'selector':{'matchLabels':{'app':'nginx'}},'template':{"
      + "'metadata':{'labels':{'app':'nginx'}},'spec':{'containers':[{'name':'nginx','image':'nginx:1.14.2',"
      + "'ports':[{'containerPort':80,'protocol':'TCP'}],'resources':{'limits':{'cpu':'100m'}},"
      + "'imagePullPolicy':'IfNotPresent'}],'restartPolicy':'Always'}}}}";

  @Test
  void kubectlApplySecondRunUpdatesImageAndKeepsOtherContainerFields() throws Exception {
    JsonNode result = smp("Deployment", DEPLOYMENT, "{'metadata':{'annotations':{"
        + "'kubectl.kubernetes.io/last-applied-configuration':'{\\'new\\':true}'}},'spec':{'template':{'spec':{"
        + "'$setElementOrder/containers':[{'name':'nginx'}],'containers':[{'image':'nginx:1.16-alpine',"
        + "'name':'nginx'}]}}}}");
    JsonNode expected = json(DEPLOYMENT);
    ((com.fasterxml.jackson.databind.node.ObjectNode) expected.at("/metadata/annotations"))
        .put("kubectl.kubernetes.io/last-applied-configuration", "{'new':true}".replace('\'', '"'));
    ((com.fasterxml.jackson.databind.node.ObjectNode) expected.at("/spec/template/spec/containers/0"))
        .put("image", "nginx:1.16-alpine");
    assertEquals(expected, result);
  }

  @Test
  void kubectlCordonAndUncordonToggleUnschedulable() throws Exception {
    String node = "{'kind':'Node','metadata':{'name':'n1'},'spec':{'podCIDR':'10.0.0.0/24','taints':[{'key':'a',"
        + "'effect':'NoSchedule'}]}}";
    JsonNode cordoned = smp("Node", node, "{'spec':{'unschedulable':true}}");
    assertEquals(json("{'kind':'Node','metadata':{'name':'n1'},'spec':{'podCIDR':'10.0.0.0/24','taints':[{'key':"
        + "'a','effect':'NoSchedule'}],'unschedulable':true}}"), cordoned);
    JsonNode uncordoned = StrategicMergePatch.apply("Node", cordoned, json("{'spec':{'unschedulable':null}}"));
    assertEquals(json(node), uncordoned);
  }

  @Test
  void mapsMergeRecursivelyAndNullDeletesAKey() throws Exception {
    assertEquals(json("{'metadata':{'labels':{'a':'1','c':'3'}},'spec':{'replicas':3}}"),
        smp("Deployment", "{'metadata':{'labels':{'a':'1','b':'2'}},'spec':{'replicas':1}}",
            "{'metadata':{'labels':{'b':null,'c':'3'}},'spec':{'replicas':3},'status':null}"));
  }

  @Test
  void containersMergeByNameAndNewOnesAppend() throws Exception {
    JsonNode result = smp("Pod", "{'spec':{'containers':[{'name':'a','image':'a:1','args':['x']},{'name':'b',"
        + "'image':'b:1'}]}}", "{'spec':{'containers':[{'name':'c','image':'c:1'},{'name':'a','image':'a:2'}]}}");
    assertEquals(json("{'spec':{'containers':[{'name':'a','image':'a:2','args':['x']},{'name':'b','image':'b:1'},"
        + "{'name':'c','image':'c:1'}]}}"), result);
  }

  @Test
  void containerEnvPortsAndMountsMergeByTheirKeys() throws Exception {
    JsonNode result = smp("StatefulSet", "{'spec':{'template':{'spec':{'containers':[{'name':'a',"
        + "'env':[{'name':'X','value':'1'},{'name':'Y','value':'2'}],'ports':[{'containerPort':80,'name':'http'}],"
        + "'volumeMounts':[{'mountPath':'/data','name':'d'}]}]}}}}",
        "{'spec':{'template':{'spec':{'containers':[{'name':'a','env':[{'name':'Y','value':'3'}],"
        + "'ports':[{'containerPort':443,'name':'https'}],'volumeMounts':[{'mountPath':'/data','readOnly':true}]}]}}}}");
    assertEquals(json("{'spec':{'template':{'spec':{'containers':[{'name':'a',"
        + "'env':[{'name':'X','value':'1'},{'name':'Y','value':'3'}],"
        + "'ports':[{'containerPort':80,'name':'http'},{'containerPort':443,'name':'https'}],"
        + "'volumeMounts':[{'mountPath':'/data','name':'d','readOnly':true}]}]}}}}"), result);
  }

  @Test
  void cronJobPodSpecIsFoundUnderItsJobTemplate() throws Exception {
    JsonNode result = smp("CronJob", "{'spec':{'jobTemplate':{'spec':{'template':{'spec':{'containers':["
        + "{'name':'a','image':'a:1','command':['run']}]}}}}}}", "{'spec':{'jobTemplate':{'spec':{'template':{"
        + "'spec':{'containers':[{'name':'a','image':'a:2'}]}}}}}}");
    assertEquals(json("{'spec':{'jobTemplate':{'spec':{'template':{'spec':{'containers':["
        + "{'name':'a','image':'a:2','command':['run']}]}}}}}}"), result);
  }

  @Test
  void listsWithoutMergeKeyAreReplacedWhole() throws Exception {
    JsonNode result = smp("Pod", "{'spec':{'tolerations':[{'key':'a','operator':'Exists'}],'containers':["
        + "{'name':'a','args':['1','2']}]}}", "{'spec':{'tolerations':[{'key':'b','operator':'Exists'}],"
        + "'containers':[{'name':'a','args':['3']}]}}");
    assertEquals(json("{'spec':{'tolerations':[{'key':'b','operator':'Exists'}],'containers':["
        + "{'name':'a','args':['3']}]}}"), result);
  }

  @Test
  void unknownKindsMergeOnlyMetadataListsStrategically() throws Exception {
    JsonNode result = smp("Widget", "{'metadata':{'finalizers':['a']},'spec':{'items':[{'name':'x','v':1}]}}",
        "{'metadata':{'finalizers':['b']},'spec':{'items':[{'name':'x','w':2}]}}");
    assertEquals(json("{'metadata':{'finalizers':['a','b']},'spec':{'items':[{'name':'x','w':2}]}}"), result);
  }

  @Test
  void finalizersAreUnionedWithoutDuplicates() throws Exception {
    assertEquals(json("{'metadata':{'finalizers':['a','b','c']}}"),
        smp("ConfigMap", "{'metadata':{'finalizers':['a','b']}}", "{'metadata':{'finalizers':['b','c']}}"));
  }

  @Test
  void deleteFromPrimitiveListRemovesValues() throws Exception {
    assertEquals(json("{'metadata':{'finalizers':['a','c']}}"),
        smp("Pod", "{'metadata':{'finalizers':['a','b']}}",
            "{'metadata':{'$deleteFromPrimitiveList/finalizers':['b'],'finalizers':['c']}}"));
    assertEquals(json("{'metadata':{}}"),
        smp("Pod", "{'metadata':{}}", "{'metadata':{'$deleteFromPrimitiveList/finalizers':['b']}}"));
  }

  @Test
  void ownerReferencesMergeByUid() throws Exception {
    assertEquals(json("{'metadata':{'ownerReferences':[{'uid':'1','name':'rs-1','controller':false},"
        + "{'uid':'2','name':'rs-2'}]}}"), smp("Pod", "{'metadata':{'ownerReferences':[{'uid':'1','name':'rs-1',"
        + "'controller':true}]}}", "{'metadata':{'ownerReferences':[{'uid':'1','controller':false},"
        + "{'uid':'2','name':'rs-2'}]}}"));
  }

  @Test
  void statusConditionsMergeByType() throws Exception {
    assertEquals(json("{'status':{'conditions':[{'type':'Ready','status':'True'},{'type':'PodScheduled',"
        + "'status':'True'}]}}"), smp("Pod", "{'status':{'conditions':[{'type':'Ready','status':'False'},"
        + "{'type':'PodScheduled','status':'True'}]}}", "{'status':{'conditions':[{'type':'Ready','status':"
        + "'True'}]}}"));
  }

  @Test
  void nodeAddressesMergeByTypeButTaintsAreAtomic() throws Exception {
    JsonNode result = smp("Node", "{'spec':{'taints':[{'key':'a','effect':'NoSchedule'}]},'status':{'addresses':["
        + "{'type':'InternalIP','address':'10.0.0.1'},{'type':'Hostname','address':'n1'}]}}",
        "{'spec':{'taints':[{'key':'b','effect':'NoExecute'}]},'status':{'addresses':[{'type':'InternalIP',"
        + "'address':'10.0.0.2'}]}}");
    assertEquals(json("{'spec':{'taints':[{'key':'b','effect':'NoExecute'}]},'status':{'addresses':["
        + "{'type':'InternalIP','address':'10.0.0.2'},{'type':'Hostname','address':'n1'}]}}"), result);
  }

  @Test
  void servicePortsMergeByPort() throws Exception {
    assertEquals(json("{'spec':{'ports':[{'port':80,'targetPort':8080,'name':'http'},{'port':443}]}}"),
        smp("Service", "{'spec':{'ports':[{'port':80,'targetPort':80,'name':'http'}]}}",
            "{'spec':{'ports':[{'port':80,'targetPort':8080},{'port':443}]}}"));
  }

  @Test
  void patchReplaceInAMapReplacesTheMap() throws Exception {
    assertEquals(json("{'metadata':{'labels':{'c':'3'},'name':'x'}}"), smp("Pod",
        "{'metadata':{'labels':{'a':'1','b':'2'},'name':'x'}}", "{'metadata':{'labels':{'$patch':'replace','c':'3'}}}"));
  }

  @Test
  void patchReplaceElementReplacesTheList() throws Exception {
    assertEquals(json("{'spec':{'containers':[{'name':'b','image':'b:1'}]}}"), smp("Pod",
        "{'spec':{'containers':[{'name':'a','image':'a:1'},{'name':'b','image':'b:0','args':['x']}]}}",
        "{'spec':{'containers':[{'$patch':'replace'},{'name':'b','image':'b:1'}]}}"));
  }

  @Test
  void patchDeleteElementRemovesThatElementByMergeKey() throws Exception {
    assertEquals(json("{'spec':{'containers':[{'name':'b'}],'volumes':[]}}"), smp("Pod",
        "{'spec':{'containers':[{'name':'a'},{'name':'b'}],'volumes':[{'name':'v','emptyDir':{}}]}}",
        "{'spec':{'containers':[{'name':'a','$patch':'delete'}],'volumes':[{'name':'v','$patch':'delete'}]}}"));
  }

  @Test
  void patchDeleteInAMapDeletesTheMap() throws Exception {
    assertEquals(json("{'spec':{'replicas':1}}"), smp("Deployment",
        "{'spec':{'replicas':1,'strategy':{'type':'RollingUpdate','rollingUpdate':{'maxSurge':1}}}}",
        "{'spec':{'strategy':{'$patch':'delete'}}}"));
  }

  @Test
  void patchMergeIsTheDefaultBehaviour() throws Exception {
    assertEquals(json("{'metadata':{'labels':{'a':'1','b':'2'}},'spec':{'containers':[{'name':'a','image':'x',"
        + "'args':['y']}]}}"), smp("Pod", "{'metadata':{'labels':{'a':'1'}},'spec':{'containers':[{'name':'a',"
        + "'args':['y']}]}}", "{'metadata':{'labels':{'$patch':'merge','b':'2'}},'spec':{'containers':[{'name':"
        + "'a','image':'x','$patch':'merge'}]}}"));
  }

  @Test
  void setElementOrderOrdersListedElementsFirstAndKeepsOthersAfter() throws Exception {
    JsonNode result = smp("Pod", "{'spec':{'containers':[{'name':'a'},{'name':'sidecar'},{'name':'b'}]}}",
        "{'spec':{'$setElementOrder/containers':[{'name':'b'},{'name':'c'},{'name':'a'}],"
        + "'containers':[{'name':'c','image':'c'}]}}");
    assertEquals(json("{'spec':{'containers':[{'name':'b'},{'name':'c','image':'c'},{'name':'a'},"
        + "{'name':'sidecar'}]}}"), result);
  }

  @Test
  void setElementOrderAlsoOrdersPrimitiveLists() throws Exception {
    assertEquals(json("{'metadata':{'finalizers':['c','a','b']}}"), smp("Pod",
        "{'metadata':{'finalizers':['a','b']}}",
        "{'metadata':{'$setElementOrder/finalizers':['c','a'],'finalizers':['c']}}"));
  }

  @Test
  void retainKeysDropsUnlistedFieldsLikeKubectlSwitchingStrategy() throws Exception {
    assertEquals(json("{'spec':{'replicas':1,'strategy':{'type':'Recreate'}}}"), smp("Deployment",
        "{'spec':{'replicas':1,'strategy':{'type':'RollingUpdate','rollingUpdate':{'maxSurge':1}}}}",
        "{'spec':{'strategy':{'$retainKeys':['type'],'type':'Recreate'}}}"));
  }

  @Test
  void retainKeysInAVolumeSwitchesItsSource() throws Exception {
    assertEquals(json("{'spec':{'template':{'spec':{'volumes':[{'name':'v','secret':{'secretName':'s'}}]}}}}"),
        smp("DaemonSet", "{'spec':{'template':{'spec':{'volumes':[{'name':'v','configMap':{'name':'c'}}]}}}}",
            "{'spec':{'template':{'spec':{'volumes':[{'$retainKeys':['name','secret'],'name':'v',"
            + "'secret':{'secretName':'s'}}]}}}}"));
  }

  @Test
  void directivesNeverAppearInTheResultEvenInNewSubtrees() throws Exception {
    JsonNode result = smp("Deployment", "{'spec':{}}", "{'spec':{'template':{'spec':{"
        + "'$setElementOrder/containers':[{'name':'a'}],'containers':[{'name':'a','$setElementOrder/env':"
        + "[{'name':'X'}],'env':[{'name':'X','value':'1'},{'name':'Y','$patch':'delete'}],'resources':{"
        + "'$patch':'replace','limits':{'cpu':'1','memory':null}}}],'tolerations':[{'$patch':'replace'},"
        + "{'key':'k','value':null}]}}}}");
    assertEquals(json("{'spec':{'template':{'spec':{'containers':[{'name':'a','env':[{'name':'X','value':'1'}],"
        + "'resources':{'limits':{'cpu':'1'}}}],'tolerations':[{'key':'k'}]}}}}"), result);
    assertFalse(result.toString().contains("$"));
  }

  @Test
  void dollarKeysThatAreNotDirectivesAreOrdinaryFields() throws Exception {
    assertEquals(json("{'spec':{'x':{'$ref':'#/a','$schema':'s'}}}"),
        smp("CustomResourceDefinition", "{'spec':{'x':{'$ref':'#/b'}}}", "{'spec':{'x':{'$ref':'#/a','$schema':'s'}}}"));
  }

  @Test
  void topLevelPatchDeleteLeavesAnEmptyObject() throws Exception {
    assertEquals(json("{}"), smp("Pod", "{'metadata':{'name':'x'}}", "{'$patch':'delete'}"));
  }

  @Test
  void neverMutatesItsInputs() throws Exception {
    JsonNode target = json(DEPLOYMENT);
    JsonNode patch = json("{'spec':{'template':{'spec':{'containers':[{'name':'nginx','env':[{'name':'A'}]},"
        + "{'name':'new','ports':[{'containerPort':1}]}]}}},'metadata':{'labels':{'$patch':'replace','x':'y'}}}");
    JsonNode targetCopy = target.deepCopy();
    JsonNode patchCopy = patch.deepCopy();
    JsonNode result = StrategicMergePatch.apply("Deployment", target, patch);
    ((com.fasterxml.jackson.databind.node.ObjectNode) result.at("/spec/template/spec/containers/1/ports/0"))
        .put("mutated", true);
    assertEquals(targetCopy, target);
    assertEquals(patchCopy, patch);
    assertTrue(result.at("/spec/template/spec/containers/0/ports").size() == 1);
  }

  @Test
  void nullTargetIsTreatedAsEmpty() throws Exception {
    assertEquals(json("{'a':{'b':1}}"), StrategicMergePatch.apply("Pod", null, json("{'a':{'b':1,'c':null}}")));
  }

  @Test
  void rejectsElementWithoutMergeKey() throws Exception {
    String msg = failure("Pod", "{'spec':{'containers':[{'name':'a'}]}}", "{'spec':{'containers':[{'image':'x'}]}}");
    assertTrue(msg.contains("does not contain declared merge key: name"), msg);
    assertTrue(msg.contains("spec.containers"), msg);
  }

  @Test
  void rejectsUnknownPatchDirective() throws Exception {
    assertTrue(failure("Pod", "{}", "{'metadata':{'$patch':'frobnicate'}}").contains("unknown patch type"));
    failure("Pod", "{}", "{'spec':{'containers':[{'name':'a','$patch':'nope'}]}}");
  }

  @Test
  void rejectsMalformedDirectivesAndPatches() throws Exception {
    failure("Pod", "{}", "['not','an','object']");
    failure("Pod", "{'spec':{}}", "{'spec':{'$retainKeys':'type'}}");
    failure("Pod", "{'spec':{}}", "{'spec':{'$setElementOrder/containers':{'name':'a'}}}");
    failure("Pod", "{'metadata':{}}", "{'metadata':{'$deleteFromPrimitiveList/finalizers':'a'}}");
    failure("Pod", "{'spec':{}}", "{'spec':{'containers':['a']}}");
    failure("Pod", "{'metadata':{}}", "{'metadata':{'finalizers':[{'a':1}]}}");
  }

  @Test
  void typeMismatchTakesThePatchValue() throws Exception {
    assertEquals(json("{'spec':{'a':[1],'b':{'c':1},'d':'x'}}"),
        smp("Pod", "{'spec':{'a':{'x':1},'b':[1],'d':{'y':1}}}", "{'spec':{'a':[1],'b':{'c':1},'d':'x'}}"));
  }
}
